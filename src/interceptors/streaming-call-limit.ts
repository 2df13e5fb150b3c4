/**
 * A cap on server-streaming calls open at once: each holds a stream, a little memory and a
 * timer for as long as the client likes. One cap covers health watches and reflection,
 * which need no token, so that anyone cannot hold thousands; another covers login-policy
 * watches, so that one process holds no more watchers than it was sized for.
 */
import type { Interceptor } from "@connectrpc/connect";
import { DomainError } from "../errors.js";
import type { Limit, LimitObserver } from "../metrics/edge-observer.js";

export interface StreamingCallLimit {
  readonly max: number;
  /** What the cap counts, as the refusal says it ("streaming calls", "watch streams"). */
  readonly what: string;
  /** The `limit` label of the refusals it counts. */
  readonly label: Limit;
}

export const STREAMING_CALLS = { what: "streaming calls", label: "streaming_calls" } as const;
export const WATCH_STREAMS = { what: "watch streams", label: "watchers" } as const;

export function streamingCallLimitInterceptor(limit: StreamingCallLimit, observer?: LimitObserver): Interceptor {
  let open = 0;
  return (next) => async (req) => {
    if (!req.stream) return next(req);
    if (open >= limit.max) {
      observer?.refused(limit.label);
      throw new DomainError(
        "ResourceExhausted",
        "RPC-Str3m",
        "Errors.Request.TooManyStreams",
        `${limit.max} ${limit.what} are open; try again later`,
      );
    }
    open++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      open--;
      req.signal.removeEventListener("abort", release);
    };
    // A call whose client goes away before its stream is read is released too.
    req.signal.addEventListener("abort", release);
    try {
      const res = await next(req);
      if (!res.stream) {
        release();
        return res;
      }
      return { ...res, message: releasing(res.message, release) };
    } catch (error) {
      release();
      throw error;
    }
  };
}

async function* releasing<T>(messages: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  try {
    yield* messages;
  } finally {
    release();
  }
}
