/** Outermost: whatever a call throws leaves as a status with a zitadel.v1.ErrorDetail. */
import type { Interceptor } from "@connectrpc/connect";
import type { StatusMapper } from "./status-mapping.js";

export function errorStatusInterceptor(toStatus: StatusMapper): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      throw toStatus(error);
    }
  };
}
