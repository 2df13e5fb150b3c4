/** The interoperability scenarios on connect-node's gRPC transport, with the generated code in gen/. */
import { fromBinary, fromJson, toJson, type DescMethodUnary, type DescService, type JsonValue } from "@bufbuild/protobuf";
import { ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { compressionGzip, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { decodeStatusDetails } from "../support/raw-rpc.js";
import { paddedMessage, type CallSpec, type InteropClient, type Outcome } from "./interop-client.js";
import { unaryScenarios, type ConnectionOptions } from "./unary-scenarios.js";

const methods = new Map<string, DescMethodUnary>();
for (const service of [AdminService, ManagementService, Health] as DescService[]) {
  const unary = service.methods.filter((method): method is DescMethodUnary => method.methodKind === "unary");
  for (const method of unary) methods.set(`/${service.typeName}/${method.name}`, method);
}

/**
 * A method the protos lack: the path's names on an empty request (Admin GetLoginPolicy's),
 * for calls that must reach the server with a method it does not have.
 */
function unknownMethod(path: string): DescMethodUnary {
  const [typeName, name] = path.slice(1).split("/") as [string, string];
  const like = AdminService.method.getLoginPolicy;
  return { ...like, name, parent: { ...like.parent, typeName } };
}

async function withTransport<T>(target: string, options: ConnectionOptions, use: (transport: Transport) => Promise<T>): Promise<T> {
  const baseUrl = `http://${target}`;
  const keepalive = options.keepaliveMs ? { pingIntervalMs: options.keepaliveMs, pingIdleConnection: true, pingTimeoutMs: 5000 } : {};
  // One session manager: one HTTP/2 connection, closed when done.
  const sessionManager = new Http2SessionManager(baseUrl, keepalive);
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    ...(options.gzip && { sendCompression: compressionGzip, compressMinBytes: 0 }),
  });
  try {
    return await use(transport);
  } finally {
    // connect-node 2.1.2 re-arms an idle connection's ping timer when a stream closes, even
    // after the connection was aborted; the timer then pings a destroyed session, which
    // throws outside any test. The last call's stream closes a turn after its answer:
    // abort after it has.
    if (options.keepaliveMs) await new Promise((resolve) => setImmediate(resolve));
    sessionManager.abort();
  }
}

function failed(reason: unknown): Outcome {
  const error = ConnectError.from(reason);
  const details = error.metadata.get("grpc-status-details-bin");
  return { code: error.code, message: error.rawMessage, ...(details && { status: decodeStatusDetails(details) }) };
}

async function call(transport: Transport, spec: CallSpec): Promise<Outcome> {
  const known = methods.get(spec.path);
  const method = known ?? unknownMethod(spec.path);
  const input =
    spec.paddingBytes !== undefined
      ? fromBinary(method.input, paddedMessage(spec.paddingBytes))
      : fromJson(method.input, ((known && spec.request) ?? {}) as JsonValue, { ignoreUnknownFields: false });
  try {
    const { message } = await transport.unary(method, undefined, spec.timeoutMs, spec.headers, input);
    return { code: 0, message: "", ...(known && { response: toJson(method.output, message) as Record<string, JsonValue> }) };
  } catch (reason) {
    return failed(reason);
  }
}

export function connectClient(target: string): InteropClient {
  const withConnection = <T>(options: ConnectionOptions, use: (transport: Transport) => Promise<T>) => withTransport(target, options, use);
  return {
    ...unaryScenarios({ withConnection, call }),
    watchCancelled: (after, timeoutMs) =>
      withConnection({}, async (transport) => {
        const cancel = new AbortController();
        const responses = createClient(Health, transport).watch({ service: "" }, { signal: cancel.signal, timeoutMs })[Symbol.asyncIterator]();
        const first = await responses.next();
        if (first.done) throw new Error("health Watch ended before its first message");
        cancel.abort();
        // A stream that went on, or ended without an error, was not cancelled: the suite sees code 0.
        const code = await responses.next().then(
          () => 0,
          (reason: unknown) => ConnectError.from(reason).code,
        );
        const { status } = toJson(Health.method.watch.output, first.value) as { status: string };
        return { first: status, code, after: await call(transport, after) };
      }),
  };
}
