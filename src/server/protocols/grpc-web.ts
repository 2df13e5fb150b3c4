/** gRPC-Web: the status travels in a trailer frame at the end of the body. */
import { ConnectError, Code } from "@connectrpc/connect";
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { rewriteFinalFrame } from "./final-frame.js";
import { compressionNamed, writeGrpcStatus, type Settle } from "./settle.js";

export function finalizeGrpcWeb(res: UniversalServerResponse, settle: Settle): UniversalServerResponse {
  if (!res.body) return res;
  const rewrite = (data: Uint8Array) => {
    const trailer = trailerParse(data);
    const error = findTrailerError(trailer);
    const final = settle(error);
    return final ? trailerSerialize(writeGrpcStatus(trailer, final, error)) : data;
  };
  return {
    ...res,
    body: rewriteFinalFrame(
      res.body as AsyncIterable<Uint8Array>,
      trailerFlag,
      compressionNamed(res.header?.get("grpc-encoding") ?? null),
      rewrite,
      () => settle(new ConnectError("the response ended without a trailer", Code.Canceled)),
    ),
  };
}
