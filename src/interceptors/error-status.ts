/** Outermost: whatever a call throws leaves as a status with a zitadel.v1.ErrorDetail, also midway through a stream. */
import type { Interceptor } from "@connectrpc/connect";
import type { StatusMapper } from "./status-mapping.js";

export function errorStatusInterceptor(toStatus: StatusMapper): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      return res.stream ? { ...res, message: mapped(res.message, toStatus) } : res;
    } catch (error) {
      throw toStatus(error);
    }
  };
}

async function* mapped<T>(messages: AsyncIterable<T>, toStatus: StatusMapper): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toStatus(error);
  }
}
