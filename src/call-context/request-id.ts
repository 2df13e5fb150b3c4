/**
 * A call's request ID: the caller's x-request-id when it is one a log can safely hold (a
 * proxy's UUID, a client's trace-friendly token), a new random UUID otherwise.
 */
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "x-request-id";

/** Printable, without spaces, quotes or separators that could forge log or header syntax. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}
