/** gRPC: the status travels in HTTP/2 trailers, written after the body. */
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { STATUS_HEADERS, withEnd, type Settle } from "./settle.js";

export function finalizeGrpc(res: UniversalServerResponse, settle: Settle): UniversalServerResponse {
  const { trailer, body } = res;
  if (!trailer || !body) return res;
  return {
    ...res,
    body: withEnd(body as AsyncIterable<Uint8Array>, settle, () => {
      const error = findTrailerError(trailer);
      const final = settle(error);
      if (final === error || !final) return;
      for (const name of STATUS_HEADERS) trailer.delete(name);
      setTrailerStatus(trailer, final);
    }),
  };
}
