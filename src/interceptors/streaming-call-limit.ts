/**
 * A cap on server-streaming calls open at once (health watches, reflection): each holds a
 * stream, a little memory and a timer for as long as the client likes, and they need no
 * token, so without a cap anyone could hold thousands.
 */
import type { Interceptor } from "@connectrpc/connect";
import { DomainError } from "../errors.js";

export function streamingCallLimitInterceptor(max: number): Interceptor {
  let open = 0;
  return (next) => async (req) => {
    if (!req.stream) return next(req);
    if (open >= max) {
      throw new DomainError("ResourceExhausted", "RPC-Str3m", "Errors.Request.TooManyStreams", `${max} streaming calls are open; try again later`);
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
