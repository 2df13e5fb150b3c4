/**
 * gRPC server reflection, both versions, through independent clients that know no proto
 * file of ours: a hand-driven @grpc/grpc-js stream (messages by protobufjs from the
 * vendored reflection protos), and `buf curl`, which works like grpcurl. Reflection needs no
 * token: no call here sends one except the policy calls made with what reflection taught.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { create, createFileRegistry, fromBinary, getOption } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { http } from "../../gen/google/api/annotations_pb.js";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";
import { bearer } from "../../harness/connect-clients.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { bufCurl } from "../support/buf-curl.js";
import { fileHead, ReflectionClient, type ReflectionVersion } from "../support/reflection-client.js";
import { SERVED_SERVICES } from "../support/served-services.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let address: string;

beforeAll(async () => {
  server = await startTestServer();
  address = `127.0.0.1:${server.address.port}`;
});

afterAll(async () => {
  await server.close();
  removeTempDirs();
});

/** Every file the services need: theirs and what they import, transitively. */
const FILES = [
  "zitadel/admin/v1/admin.proto",
  "zitadel/event/v1/event.proto",
  "zitadel/v1/message.proto",
  "zitadel/management/v1/management.proto",
  "zitadel/policy/v1/login_policy.proto",
  "zitadel/idp/v1/idp.proto",
  "zitadel/idp/v2/idp.proto",
  "zitadel/object/v2/object.proto",
  "zitadel/settings/v2/branding_settings.proto",
  "zitadel/settings/v2/domain_settings.proto",
  "zitadel/settings/v2/legal_settings.proto",
  "zitadel/settings/v2/lockout_settings.proto",
  "zitadel/settings/v2/login_settings.proto",
  "zitadel/settings/v2/password_settings.proto",
  "zitadel/settings/v2/security_settings.proto",
  "zitadel/settings/v2/settings.proto",
  "zitadel/settings/v2/settings_service.proto",
  "zitadel/v1/object.proto",
  "zitadel/v1/options.proto",
  "google/api/annotations.proto",
  "google/api/http.proto",
  "google/protobuf/descriptor.proto",
  "google/protobuf/duration.proto",
  "google/protobuf/struct.proto",
  "google/protobuf/timestamp.proto",
  "grpc/health/v1/health.proto",
  "grpc/reflection/v1/reflection.proto",
  "grpc/reflection/v1alpha/reflection.proto",
  "lps/v1/policy_reach.proto",
  "lps/v1/login_policy_watch.proto",
];

const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;

/** The files a response carries, by name, in order. */
function namesIn(response: { fileDescriptorResponse?: { fileDescriptorProto: Buffer[] } }): string[] {
  return (response.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) => fileHead(bytes).name);
}

/** A google.protobuf.FileDescriptorSet holding the given serialized files. */
function descriptorSet(files: Iterable<Buffer>): Buffer {
  const FileDescriptorSet = new protobuf.Type("FileDescriptorSet").add(new protobuf.Field("file", 1, "bytes", "repeated"));
  return Buffer.from(FileDescriptorSet.encode({ file: [...files] }).finish());
}

describe.each<ReflectionVersion>(["v1", "v1alpha"])("grpc.reflection.%s", (version) => {
  let client: ReflectionClient;

  beforeAll(() => {
    client = new ReflectionClient(address, version);
  });

  afterAll(async () => {
    expect((await client.close()).code).toBe(grpc.status.OK);
  });

  it("lists every served service, health and reflection included", async () => {
    expect(await client.services()).toEqual(SERVED_SERVICES);
  });

  it("hands out every file the services need, complete enough to call them with", async () => {
    const fresh = new ReflectionClient(address, version);
    const files = await fresh.allFiles();
    await fresh.close();
    expect([...files.keys()].sort()).toEqual([...FILES].sort());

    // A client built from nothing but these descriptors.
    const definition = protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet(files.values()), { enums: String, longs: String });
    const loaded = grpc.loadPackageDefinition(definition) as any;
    const admin = new loaded.zitadel.admin.v1.AdminService(address, grpc.credentials.createInsecure());
    const health = new loaded.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(bearer(server.adminToken))) metadata.set(key, value);
    const policy = await new Promise<any>((resolve, reject) =>
      admin.getLoginPolicy({}, metadata, (error: Error | null, response: any) => (error ? reject(error) : resolve(response))),
    );
    const status = await new Promise<any>((resolve, reject) =>
      health.check({ service: "zitadel.admin.v1.AdminService" }, (error: Error | null, response: any) =>
        error ? reject(error) : resolve(response),
      ),
    );
    admin.close();
    health.close();
    // Loaded from descriptors, fields keep their proto names.
    expect(policy.policy.multi_factors).toEqual(["MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION"]);
    expect(status).toEqual({ status: "SERVING" });
  });

  it("keeps the options the protos declare: each method's permission and HTTP route", async () => {
    const fresh = new ReflectionClient(address, version);
    const files = await fresh.allFiles();
    await fresh.close();
    // The registry links each file to its imports, so imports come first.
    const ordered: FileDescriptorProto[] = [];
    const visit = (name: string) => {
      if (ordered.some((file) => file.name === name)) return;
      const file = fromBinary(FileDescriptorProtoSchema, files.get(name)!);
      file.dependency.forEach(visit);
      ordered.push(file);
    };
    [...files.keys()].forEach(visit);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
    const admin = registry.getService("zitadel.admin.v1.AdminService")!;
    const method = admin.methods.find((m) => m.name === "RemoveMultiFactorFromLoginPolicy")!;
    expect(getOption(method, auth_option).permission).toBe("iam.policy.write");
    expect(getOption(method, http).pattern).toEqual({ case: "delete", value: "/policies/login/multi_factors/{type}" });
  });

  it.each([
    ["a service", "zitadel.management.v1.ManagementService", "zitadel/management/v1/management.proto"],
    ["a method", "zitadel.admin.v1.AdminService.AddMultiFactorToLoginPolicy", "zitadel/admin/v1/admin.proto"],
    ["a message", "zitadel.policy.v1.LoginPolicy", "zitadel/policy/v1/login_policy.proto"],
    ["a field", "zitadel.policy.v1.LoginPolicy.force_mfa", "zitadel/policy/v1/login_policy.proto"],
    ["an enum", "zitadel.policy.v1.SecondFactorType", "zitadel/policy/v1/login_policy.proto"],
    ["an enum value", "zitadel.policy.v1.SECOND_FACTOR_TYPE_OTP_SMS", "zitadel/policy/v1/login_policy.proto"],
    ["a nested enum", "grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"],
    ["a nested message", "google.protobuf.DescriptorProto.ExtensionRange", "google/protobuf/descriptor.proto"],
    ["a oneof", "google.api.HttpRule.pattern", "google/api/http.proto"],
    ["an extension", "zitadel.v1.auth_option", "zitadel/v1/options.proto"],
    ["the error detail", "zitadel.v1.ErrorDetail", "zitadel/v1/message.proto"],
    ["a well-known type", "google.protobuf.Timestamp", "google/protobuf/timestamp.proto"],
  ])("finds the file of %s", async (_kind, symbol, file) => {
    const response = await client.ask({ fileContainingSymbol: symbol });
    expect(namesIn(response)[0]).toBe(file);
  });

  it("sends a file's imports once per stream, and the file asked for every time", async () => {
    const fresh = new ReflectionClient(address, version);
    const first = namesIn(await fresh.ask({ fileByFilename: "zitadel/admin/v1/admin.proto" }));
    const again = namesIn(await fresh.ask({ fileByFilename: "zitadel/admin/v1/admin.proto" }));
    const management = namesIn(await fresh.ask({ fileContainingSymbol: "zitadel.management.v1.ManagementService" }));
    const reflection = namesIn(await fresh.ask({ fileContainingSymbol: "grpc.reflection.v1.ServerReflection" }));
    await fresh.close();
    expect(first[0]).toBe("zitadel/admin/v1/admin.proto");
    expect(first).toEqual(expect.arrayContaining(["google/api/http.proto", "google/protobuf/descriptor.proto", "zitadel/v1/options.proto"]));
    expect(new Set(first).size).toBe(first.length);
    expect(again).toEqual(["zitadel/admin/v1/admin.proto"]);
    // Everything management imports came with admin.
    expect(management).toEqual(["zitadel/management/v1/management.proto"]);
    expect(reflection).toEqual(["grpc/reflection/v1/reflection.proto"]);
  });

  it("finds extensions by the type they extend and their number", async () => {
    const permission = await client.ask({
      fileContainingExtension: { containingType: "google.protobuf.MethodOptions", extensionNumber: 50000 },
    });
    const route = await client.ask({
      fileContainingExtension: { containingType: "google.protobuf.MethodOptions", extensionNumber: 72295728 },
    });
    const numbers = await client.ask({ allExtensionNumbersOfType: "google.protobuf.MethodOptions" });
    const none = await client.ask({ allExtensionNumbersOfType: "zitadel.policy.v1.LoginPolicy" });
    expect(namesIn(permission)[0]).toBe("zitadel/v1/options.proto");
    expect(namesIn(route)[0]).toBe("google/api/annotations.proto");
    expect(numbers.allExtensionNumbersResponse).toEqual({ baseTypeName: "google.protobuf.MethodOptions", extensionNumber: [50000, 72295728] });
    expect(none.allExtensionNumbersResponse).toEqual({ baseTypeName: "zitadel.policy.v1.LoginPolicy", extensionNumber: [] });
  });

  it.each([
    [{ fileByFilename: "zitadel/admin/v2/admin.proto" }, 'no file named "zitadel/admin/v2/admin.proto"'],
    [{ fileContainingSymbol: "zitadel.admin.v1.AdminService.DeleteEverything" }, 'no symbol named "zitadel.admin.v1.AdminService.DeleteEverything"'],
    [{ fileContainingSymbol: "zitadel.admin.v1" }, 'no symbol named "zitadel.admin.v1"'],
    [
      { fileContainingExtension: { containingType: "google.protobuf.MethodOptions", extensionNumber: 50001 } },
      'no extension 50001 of "google.protobuf.MethodOptions"',
    ],
    [{ allExtensionNumbersOfType: "zitadel.policy.v1.Nothing" }, 'no message type named "zitadel.policy.v1.Nothing"'],
    [{ allExtensionNumbersOfType: "zitadel.policy.v1.SecondFactorType" }, 'no message type named "zitadel.policy.v1.SecondFactorType"'],
  ])("answers %j with NOT_FOUND, and the stream goes on", async (request, message) => {
    const response = await client.ask({ host: "lps.example.com", ...request });
    expect(response.messageResponse).toBe("errorResponse");
    expect(response.errorResponse).toEqual({ errorCode: NOT_FOUND, errorMessage: message });
    expect(response.validHost).toBe("lps.example.com");
    expect(response.originalRequest).toMatchObject(request);
    expect(await client.services()).toEqual(SERVED_SERVICES);
  });

  it("answers a request that asks for nothing with INVALID_ARGUMENT", async () => {
    const response = await client.ask({ host: "" });
    expect(response.errorResponse).toEqual({
      errorCode: INVALID_ARGUMENT,
      errorMessage: "the request asks for nothing: set one of its message_request fields",
    });
  });
});

describe("buf curl, a client that knows only what reflection tells it", () => {
  it.each(["grpc-v1", "grpc-v1alpha"])("lists the services and calls them (%s)", async (protocol) => {
    const base = server.url;
    const services = await bufCurl(["--reflect-protocol", protocol, "--list-services", base]);
    expect(services.stdout.trim().split("\n")).toEqual([...SERVED_SERVICES].sort());

    const headers = Object.entries(bearer(server.adminToken)).flatMap(([key, value]) => ["-H", `${key}: ${value}`]);
    const call = await bufCurl([
      "--reflect-protocol", protocol, "--protocol", "grpc", ...headers, "-d", "{}",
      `${base}/zitadel.admin.v1.AdminService/ListLoginPolicySecondFactors`,
    ]);
    expect(call.stderr).toBe("");
    expect(JSON.parse(call.stdout).result).toEqual(["SECOND_FACTOR_TYPE_OTP", "SECOND_FACTOR_TYPE_U2F"]);

    const health = await bufCurl(["--reflect-protocol", protocol, "--protocol", "grpc", "-d", "{}", `${base}/grpc.health.v1.Health/Check`]);
    expect(JSON.parse(health.stdout)).toEqual({ status: "SERVING" });
  });
});
