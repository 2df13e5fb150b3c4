/**
 * The statements of one PostgreSQL write transaction, sent without waiting for the answers
 * to the ones before (node-postgres's pipelining, which the write connections are opened
 * with), and the statements sent in one turn of the event loop written to the socket at
 * once.
 *
 * Why. PostgreSQL runs a connection's statements in the order they arrive, each after the
 * one before has finished, so a statement sent right after the locks runs holding them and
 * reads what they guard (each READ COMMITTED statement takes its snapshot when it starts).
 * A statement whose text does not depend on what an earlier one returns need not wait for
 * it: the transaction waits once for all of them, and the process writes the socket once
 * (each write to it is a system call, and on a small machine those were a large part of what
 * a write call cost) and wakes once for the answers.
 *
 * Failure. A statement that fails aborts the transaction: every statement sent after it
 * fails too ("current transaction is aborted"), and a COMMIT sent after it rolls back. So
 * what a transaction reports is the first failure in the order the statements were sent,
 * and it ends (COMMIT or ROLLBACK) only once nothing it sent is on its way any more: a
 * ROLLBACK sent ahead of a statement still to be sent would let that statement run outside
 * the transaction, on its own.
 */
import type pg from "pg";

export class Pipeline {
  private readonly sent: Promise<unknown>[] = [];
  private corked = false;
  private commit: Promise<unknown> | undefined;

  constructor(private readonly client: pg.PoolClient) {}

  /** Sends a statement now; its answer comes in the order sent. */
  send<R extends pg.QueryResultRow>(query: pg.QueryConfig | string): Promise<pg.QueryResult<R>> {
    this.cork();
    const answer = this.client.query<R>(query);
    // Reported by settled(), in order; whoever awaits it hears of it too.
    answer.catch(() => {});
    this.sent.push(answer);
    return answer;
  }

  /** Sends COMMIT, once: the transaction is over when it answers. */
  committed(): Promise<unknown> {
    return (this.commit ??= this.send("COMMIT"));
  }

  /** Whether COMMIT has been sent. */
  get committing(): boolean {
    return this.commit !== undefined;
  }

  /** Waits until every statement sent has been answered, and throws the first failure, if any. */
  async settled(): Promise<void> {
    const outcomes = await Promise.allSettled(this.sent);
    const failed = outcomes.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * Holds the socket's writes until the current turn of the event loop has sent what it
   * sends, then writes them together (Node's cork and uncork, on the connection's stream).
   */
  private cork(): void {
    if (this.corked) return;
    const stream = this.client.connection.stream;
    stream.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
