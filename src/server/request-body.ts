/**
 * A request body read by a check on its way to the RPC framework. A check that refuses the
 * body stops reading it; stopping a for-await loop closes the iterator it reads, and closing
 * connect-node's iterator over a Node request destroys the request, which on HTTP/1.1 tears
 * down the connection before the refusal is written. The body is therefore read through an
 * iterator that cannot be closed: what is left of it stays unread, and the server says
 * `connection: close` when it answers.
 */
export function keptOpen(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  return { [Symbol.asyncIterator]: () => ({ next: () => chunks.next() }) };
}
