/**
 * A login policy, watched: the state in effect at once (unless the watcher already has
 * it), then again whenever a commit, by any process, leaves it at another version. Every
 * wake-up first asks whether the watcher may still see the policy, so a token revoked or a
 * membership removed ends the watch at the next commit (revoking is one), or within
 * `recheckMs` (a token that expires commits nothing); and every `recheckMs` the policy is
 * read again even without a commit, in case a notification was lost.
 */
import type { EventStore } from "../eventstore/store.js";
import { CommitSignal } from "./commit-signal.js";
import type { EffectivePolicy } from "./login-policy-queries.js";
import { policyVersion, type PolicyVersion } from "./policy-version.js";

export interface PolicyWatchOptions {
  /** Reads the policy in effect now. */
  readonly read: () => Promise<EffectivePolicy>;
  /** The version of the last state the watcher received; that state is not sent again. */
  readonly lastVersion?: string;
  /** Throws, and so ends the watch, once the watcher may no longer see the policy. */
  readonly admit: () => Promise<void>;
  /** How often `admit` runs while nothing is committed. */
  readonly recheckMs: number;
  /** Ends the watch: the generator returns. */
  readonly signal: AbortSignal;
}

export interface WatchedPolicy {
  readonly effective: EffectivePolicy;
  readonly version: PolicyVersion;
}

export async function* watchPolicy(store: EventStore, options: PolicyWatchOptions): AsyncGenerator<WatchedPolicy> {
  // Listening before the first read: a commit between the read and the wait is not missed.
  const commits = new CommitSignal(store);
  try {
    let sent = options.lastVersion || undefined;
    let woke: "first" | "commit" | "tick" | "ended" = "first";
    while (woke !== "ended") {
      if (woke !== "first") await options.admit();
      // A tick reads too: whatever a lost notification did not announce is caught up here.
      const effective = await options.read();
      const version = policyVersion(effective);
      if (version !== sent) {
        sent = version;
        yield { effective, version };
      }
      woke = await commits.next(options.recheckMs, options.signal);
    }
  } finally {
    commits.close();
  }
}
