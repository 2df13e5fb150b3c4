/** Outermost: whatever a call throws leaves as a status with a zitadel.v1.ErrorDetail, also midway through a stream. */
import type { Interceptor } from "@connectrpc/connect";
import { callContextKey } from "../api/context-keys.js";
import type { CallContext } from "../call-context/call-context.js";
import type { StatusMapper } from "./status-mapping.js";

export function errorStatusInterceptor(toStatus: StatusMapper): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapped(res.message, toStatus, req.contextValues.get(callContextKey)) };
    } catch (error) {
      throw toStatus(error, req.contextValues.get(callContextKey));
    }
  };
}

async function* mapped<T>(messages: AsyncIterable<T>, toStatus: StatusMapper, context: CallContext | undefined): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toStatus(error, context);
  }
}
