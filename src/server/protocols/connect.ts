/**
 * Connect: a unary call answers an error as a JSON body with a non-200 status; a streaming
 * call ends with an end-of-stream frame that may hold an error.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { createAsyncIterable, readAllBytes, type UniversalServerResponse } from "@connectrpc/connect/protocol";
import {
  codeFromHttpStatus,
  codeToHttpStatus,
  endStreamFlag,
  endStreamFromJson,
  endStreamToJson,
  errorFromJsonBytes,
  errorToJsonBytes,
} from "@connectrpc/connect/protocol-connect";
import { rewriteFinalFrame } from "./final-frame.js";
import { compressionNamed, withEnd, type Settle } from "./settle.js";

/** Error bodies are a status and a detail; the limit only guards against a broken peer. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

export async function finalizeConnectUnary(res: UniversalServerResponse, settle: Settle): Promise<UniversalServerResponse> {
  const body = res.body as AsyncIterable<Uint8Array> | undefined;
  if (!body) return res;
  if (res.status === 200) return { ...res, body: withEnd(body, settle, () => settle(undefined)) };
  // The handler has finished: the error body is complete and small.
  const header = new Headers(res.header);
  let bytes = await readAllBytes(body, MAX_ERROR_BODY_BYTES);
  const compression = compressionNamed(header.get("content-encoding"));
  if (compression) bytes = await compression.decompress(bytes, MAX_ERROR_BODY_BYTES);
  const error = errorFromJsonBytes(bytes, undefined, new ConnectError(`HTTP ${res.status}`, codeFromHttpStatus(res.status)));
  const final = settle(error) ?? error;
  const out = errorToJsonBytes(final, undefined);
  header.delete("content-encoding");
  header.set("content-length", String(out.byteLength));
  return { status: codeToHttpStatus(final.code), header, body: createAsyncIterable([out]) };
}

export function finalizeConnectStream(res: UniversalServerResponse, settle: Settle): UniversalServerResponse {
  if (!res.body) return res;
  const rewrite = (data: Uint8Array) => {
    const end = endStreamFromJson(data);
    const final = settle(end.error);
    if (final === end.error || !final) return data;
    return new TextEncoder().encode(JSON.stringify(endStreamToJson(end.metadata, final, undefined)));
  };
  return {
    ...res,
    body: rewriteFinalFrame(
      res.body as AsyncIterable<Uint8Array>,
      endStreamFlag,
      compressionNamed(res.header?.get("connect-content-encoding") ?? null),
      rewrite,
      () => settle(new ConnectError("the response ended without an end-of-stream message", Code.Canceled)),
    ),
  };
}
