/**
 * The interoperability scenarios on @grpc/grpc-js, with message types loaded by
 * @grpc/proto-loader from proto/ (not from the generated code the server uses).
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { repositoryPath } from "../../harness/repository.js";
import { decodeStatusDetails } from "../support/raw-rpc.js";
import { paddedMessage, type CallSpec, type InteropClient, type Outcome } from "./interop-client.js";
import { unaryScenarios, type ConnectionOptions } from "./unary-scenarios.js";

const definitions = protoLoader.loadSync(
  ["zitadel/admin/v1/admin.proto", "zitadel/management/v1/management.proto", "grpc/health/v1/health.proto"],
  { includeDirs: [repositoryPath("proto")], longs: String, enums: String },
);

/** The method's serializers by path, as proto-loader made them. */
const methods = new Map<string, protoLoader.MethodDefinition<object, object>>();
for (const definition of Object.values(definitions)) {
  if ("format" in definition || "type" in definition) continue;
  for (const method of Object.values(definition as protoLoader.ServiceDefinition)) methods.set(method.path, method);
}

const identity = (bytes: Buffer) => bytes;

function channelOptions({ gzip, keepaliveMs }: ConnectionOptions): grpc.ClientOptions {
  return {
    ...(gzip && { "grpc.default_compression_algorithm": grpc.compressionAlgorithms.gzip }),
    ...(keepaliveMs && {
      "grpc.keepalive_time_ms": keepaliveMs,
      "grpc.keepalive_timeout_ms": 5000,
      "grpc.keepalive_permit_without_calls": 1,
    }),
  };
}

function metadataOf(headers: Record<string, string> = {}): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}

function failed(error: grpc.ServiceError): Outcome {
  const details = error.metadata.get("grpc-status-details-bin")[0];
  return { code: error.code, message: error.details, ...(details && { status: decodeStatusDetails(details as Buffer) }) };
}

function call(client: grpc.Client, spec: CallSpec): Promise<Outcome> {
  const method = methods.get(spec.path);
  const padded = spec.paddingBytes !== undefined;
  const serialize = method && !padded ? method.requestSerialize : identity;
  const deserialize = method ? (bytes: Buffer) => method.responseDeserialize(bytes) as Record<string, unknown> : identity;
  const request = padded ? Buffer.from(paddedMessage(spec.paddingBytes!)) : method ? (spec.request ?? {}) : Buffer.alloc(0);
  const options: grpc.CallOptions = spec.timeoutMs === undefined ? {} : { deadline: Date.now() + spec.timeoutMs };
  return new Promise((resolve) => {
    const done = (error: grpc.ServiceError | null, response?: unknown) => {
      if (error) return resolve(failed(error));
      resolve({ code: grpc.status.OK, message: "", ...(method && { response: response as Record<string, unknown> }) });
    };
    client.makeUnaryRequest<object, unknown>(spec.path, serialize as (value: object) => Buffer, deserialize, request, metadataOf(spec.headers), options, done);
  });
}

async function withChannel<T>(target: string, options: ConnectionOptions, use: (client: grpc.Client) => Promise<T>): Promise<T> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), channelOptions(options));
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function grpcJsClient(target: string): InteropClient {
  const withClient = <T>(options: ConnectionOptions, use: (client: grpc.Client) => Promise<T>) => withChannel(target, options, use);
  return {
    ...unaryScenarios({ withConnection: withClient, call }),
    watchCancelled: (after, timeoutMs) =>
      withClient({}, async (client) => {
        const watch = methods.get("/grpc.health.v1.Health/Watch")!;
        const stream = client.makeServerStreamRequest(watch.path, watch.requestSerialize, watch.responseDeserialize, { service: "" }, {
          deadline: Date.now() + timeoutMs,
        });
        const first = await new Promise<{ status: string }>((resolve, reject) => {
          stream.once("data", resolve);
          stream.once("error", reject);
        });
        const code = new Promise<number>((resolve) => stream.once("status", (status: grpc.StatusObject) => resolve(status.code)));
        // The cancellation arrives as an error too; the status says it.
        stream.on("error", () => {});
        stream.cancel();
        return { first: first.status, code: await code, after: await call(client, after) };
      }),
  };
}
