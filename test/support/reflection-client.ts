/**
 * An independent server-reflection client: one @grpc/grpc-js bidirectional stream, with
 * messages encoded and decoded by protobufjs from the vendored reflection protos (not from
 * our generated code). Each `ask` sends one request and resolves with the next response.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";

const PROTO_DIR = fileURLToPath(new URL("../../proto", import.meta.url));

export type ReflectionVersion = "v1" | "v1alpha";

/** A decoded ServerReflectionResponse; `messageResponse` names the field that is set. */
export interface ReflectionResponse {
  validHost: string;
  originalRequest: Record<string, unknown>;
  messageResponse: "fileDescriptorResponse" | "allExtensionNumbersResponse" | "listServicesResponse" | "errorResponse";
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  allExtensionNumbersResponse?: { baseTypeName: string; extensionNumber: number[] };
  listServicesResponse?: { service: { name: string }[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** The part of a google.protobuf.FileDescriptorProto that says what a file is and imports. */
const FileHead = new protobuf.Type("FileHead")
  .add(new protobuf.Field("name", 1, "string"))
  .add(new protobuf.Field("package", 2, "string"))
  .add(new protobuf.Field("dependency", 3, "string", "repeated"));

export function fileHead(bytes: Uint8Array): { name: string; package: string; dependency: string[] } {
  return FileHead.toObject(FileHead.decode(bytes), { defaults: true }) as { name: string; package: string; dependency: string[] };
}

export class ReflectionClient {
  private readonly client: grpc.Client;
  private readonly stream: grpc.ClientDuplexStream<Record<string, unknown>, ReflectionResponse>;
  private readonly waiting: { resolve: (r: ReflectionResponse) => void; reject: (e: Error) => void }[] = [];
  /** How the stream ended, once it has. */
  ended: grpc.StatusObject | undefined;

  constructor(address: string, version: ReflectionVersion, metadata = new grpc.Metadata()) {
    const root = protobuf.loadSync(`${PROTO_DIR}/grpc/reflection/${version}/reflection.proto`);
    const Request = root.lookupType(`grpc.reflection.${version}.ServerReflectionRequest`);
    const Response = root.lookupType(`grpc.reflection.${version}.ServerReflectionResponse`);
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
    this.stream = this.client.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      (request: Record<string, unknown>) => Buffer.from(Request.encode(Request.fromObject(request)).finish()),
      (bytes: Buffer) =>
        Response.toObject(Response.decode(bytes), { oneofs: true, defaults: true, arrays: true }) as ReflectionResponse,
      metadata,
    );
    this.stream.on("data", (response: ReflectionResponse) => this.waiting.shift()?.resolve(response));
    this.stream.on("status", (status: grpc.StatusObject) => {
      this.ended = status;
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`stream ended: ${status.code} ${status.details}`));
    });
    this.stream.on("error", () => {});
  }

  /** Sends one request (e.g. `{ listServices: "" }`) and resolves with its response. */
  ask(request: Record<string, unknown>): Promise<ReflectionResponse> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.stream.write(request);
    });
  }

  /** Ends the stream from this side and resolves with its status. */
  async close(): Promise<grpc.StatusObject> {
    this.stream.end();
    const status = this.ended ?? (await new Promise<grpc.StatusObject>((resolve) => this.stream.once("status", resolve)));
    this.client.close();
    return status;
  }

  /** Every served service's name. */
  async services(): Promise<string[]> {
    const response = await this.ask({ listServices: "" });
    return response.listServicesResponse!.service.map((service) => service.name);
  }

  /**
   * Every file the served services need, by name: each service's file by symbol, then each
   * import not received yet by file name, until nothing is missing.
   */
  async allFiles(): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    const receive = (response: ReflectionResponse) => {
      if (!response.fileDescriptorResponse) throw new Error(`no files: ${JSON.stringify(response.errorResponse)}`);
      for (const bytes of response.fileDescriptorResponse.fileDescriptorProto) files.set(fileHead(bytes).name, bytes);
    };
    for (const service of await this.services()) receive(await this.ask({ fileContainingSymbol: service }));
    for (;;) {
      const missing = [...files.values()].flatMap((bytes) => fileHead(bytes).dependency).find((name) => !files.has(name));
      if (!missing) return files;
      receive(await this.ask({ fileByFilename: missing }));
    }
  }
}
