/**
 * An independent gRPC client: @grpc/grpc-js with stubs loaded by @grpc/proto-loader from the
 * proto files (not from our generated code), decoding grpc-status-details-bin itself.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { repositoryPath } from "./repository.js";

const PROTO_DIR = repositoryPath("proto");

const definition = protoLoader.loadSync(["zitadel/admin/v1/admin.proto", "zitadel/management/v1/management.proto"], {
  includeDirs: [PROTO_DIR],
  longs: String,
  enums: String,
  defaults: true,
});
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  zitadel: {
    admin: { v1: { AdminService: grpc.ServiceClientConstructor } };
    management: { v1: { ManagementService: grpc.ServiceClientConstructor } };
  };
};

const statusRoot = protobuf.loadSync(["google/rpc/status.proto", "zitadel/v1/message.proto"].map((f) => `${PROTO_DIR}/${f}`));
const StatusType = statusRoot.lookupType("google.rpc.Status");
const ErrorDetailType = statusRoot.lookupType("zitadel.v1.ErrorDetail");

export type GrpcService = "admin" | "management";

/** A call's outcome: the response, or the status with its decoded ErrorDetail. */
export type GrpcResult =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; code: grpc.status; message: string; detail?: { id: string; message: string }; detailCount: number };

export class GrpcJsClient {
  private readonly clients: Record<GrpcService, grpc.Client>;

  /**
   * @param headers  sent with every call (e.g. the authorization header); a call's own
   *                 headers add to and override them
   */
  constructor(
    address: string,
    credentials = grpc.credentials.createInsecure(),
    options: grpc.ClientOptions = {},
    private readonly headers: Record<string, string> = {},
  ) {
    const { admin, management } = loaded.zitadel;
    this.clients = {
      admin: new admin.v1.AdminService(address, credentials, options),
      management: new management.v1.ManagementService(address, credentials, options),
    };
  }

  call(service: GrpcService, method: string, request: object = {}, headers: Record<string, string> = {}): Promise<GrpcResult> {
    type UnaryMethod = (request: object, metadata: grpc.Metadata, callback: grpc.requestCallback<Record<string, unknown>>) => void;
    const client = this.clients[service] as unknown as Record<string, UnaryMethod | undefined>;
    const fn = client[method];
    if (typeof fn !== "function") throw new Error(`no method ${method} on ${service}`);
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries({ ...this.headers, ...headers })) metadata.set(key, value);
    return new Promise((resolve) => {
      fn.call(client, request, metadata, (error, response) => {
        if (!error) return resolve({ ok: true, response: response ?? {} });
        const details = error.metadata.get("grpc-status-details-bin");
        const status = details[0] ? (StatusType.decode(details[0] as Buffer) as unknown as DecodedStatus) : undefined;
        const detailAnys = status?.details ?? [];
        const zitadelDetail = detailAnys.find((any) => any.type_url === "type.googleapis.com/zitadel.v1.ErrorDetail");
        resolve({
          ok: false,
          code: error.code,
          message: error.details,
          detail: zitadelDetail && (ErrorDetailType.decode(zitadelDetail.value) as unknown as { id: string; message: string }),
          detailCount: detailAnys.length,
        });
      });
    });
  }

  close(): void {
    for (const client of Object.values(this.clients)) client.close();
  }
}

interface DecodedStatus {
  code: number;
  message: string;
  details: { type_url: string; value: Uint8Array }[];
}
