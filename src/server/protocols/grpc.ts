/** gRPC: the status travels in HTTP/2 trailers, written after the body. */
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { withEnd, writeGrpcStatus, type Settle } from "./settle.js";

export function finalizeGrpc(res: UniversalServerResponse, settle: Settle): UniversalServerResponse {
  const { trailer, body } = res;
  if (!trailer || !body) return res;
  return {
    ...res,
    body: withEnd(body as AsyncIterable<Uint8Array>, settle, () => {
      const error = findTrailerError(trailer);
      const final = settle(error);
      if (final) writeGrpcStatus(trailer, final, error);
    }),
  };
}
