/**
 * A bare @grpc/grpc-js server, a child process like the service: AdminService and
 * ManagementService GetLoginPolicy answering fixed messages, encoded per call with the
 * same protobuf library the service uses. The gRPC rows' yardstick: what Node's most used
 * gRPC server costs for a call that does nothing.
 *
 * Arguments: the Admin and Management answers (protobuf binary, base64).
 */
import { fromBinary, toBinary, type DescMessage, type DescMethod, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { AdminService, GetLoginPolicyResponseSchema as AdminAnswerSchema } from "../gen/zitadel/admin/v1/admin_pb.js";
import {
  GetLoginPolicyResponseSchema as ManagementAnswerSchema,
  ManagementService,
} from "../gen/zitadel/management/v1/management_pb.js";

const [adminAnswer, managementAnswer] = process.argv.slice(2);
if (managementAnswer === undefined) throw new Error("usage: grpc-js-noop-server.js <admin answer> <management answer>");
const admin = fromBinary(AdminAnswerSchema, Buffer.from(adminAnswer, "base64"));
const management = fromBinary(ManagementAnswerSchema, Buffer.from(managementAnswer, "base64"));

/** One unary method, decoded and encoded with protobuf-es, answering `answer`. */
function fixed<O extends DescMessage>(method: DescMethod, answer: MessageShape<O>): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const definition: grpc.ServiceDefinition = {
    [method.localName]: {
      path: `/${method.parent.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
      requestSerialize: () => Buffer.alloc(0),
      responseSerialize: (message: MessageShape<O>) => Buffer.from(toBinary(method.output, message)),
      responseDeserialize: () => ({}),
    },
  };
  const implementation: grpc.UntypedServiceImplementation = {
    [method.localName]: (_call: unknown, callback: grpc.sendUnaryData<MessageShape<O>>) => callback(null, answer),
  };
  return [definition, implementation];
}

const server = new grpc.Server();
server.addService(...fixed(AdminService.method.getLoginPolicy, admin));
server.addService(...fixed(ManagementService.method.getLoginPolicy, management));
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
);
process.stdout.write(`grpc-js no-op server listening on http://127.0.0.1:${port}\n`);
process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
