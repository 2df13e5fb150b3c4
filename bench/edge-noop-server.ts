/**
 * The service's own edge with nothing behind it, a child process like the service: the
 * same listener, call core and doors (gRPC on the HTTP/2 stream, Connect, gRPC-Web, the
 * REST gateway), with AdminService.GetLoginPolicy and ManagementService.GetLoginPolicy
 * answering fixed messages, and the writes the benchmark makes (a second factor added or
 * removed on either service, Admin's UpdateLoginPolicy) answering fixed details; no
 * interceptors, storage or log. Against it, a row shows what the service's own work
 * costs; against the bare frameworks, what the edge costs. For writes it is the ceiling:
 * no write over gRPC can answer faster than a call that does nothing.
 *
 * Arguments: the Admin and Management answers (protobuf binary, base64).
 */
import { fromBinary } from "@bufbuild/protobuf";
import { AdminService, GetLoginPolicyResponseSchema as AdminAnswerSchema } from "../gen/zitadel/admin/v1/admin_pb.js";
import {
  GetLoginPolicyResponseSchema as ManagementAnswerSchema,
  ManagementService,
} from "../gen/zitadel/management/v1/management_pb.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { createCallCore, partlyServedService } from "../src/server/call/call-core.js";
import { createRestGateway } from "../src/server/gateway/rest-gateway.js";
import { grpcDoor } from "../src/server/grpc-door.js";
import { listen } from "../src/server/listener.js";
import { createRpcDoor } from "../src/server/rpc-door.js";
import { createStatusMapper } from "../src/interceptors/status-mapping.js";

const [adminAnswer, managementAnswer] = process.argv.slice(2);
if (managementAnswer === undefined) throw new Error("usage: edge-noop-server.js <admin answer> <management answer>");
const admin = fromBinary(AdminAnswerSchema, Buffer.from(adminAnswer, "base64"));
const management = fromBinary(ManagementAnswerSchema, Buffer.from(managementAnswer, "base64"));

const logger = createLogger("silent");
const toStatus = createStatusMapper(logger);
// A change answers its details (the sequence, time and owner of its events); the instance
// policy's stand in for them, of the same size.
const written = () => ({ details: admin.policy?.details });
const factorWrites = { addSecondFactorToLoginPolicy: written, removeSecondFactorFromLoginPolicy: written };
// Every other method answers Unimplemented: the benchmark calls only these.
const services = [
  partlyServedService(AdminService, { getLoginPolicy: () => admin, updateLoginPolicy: written, ...factorWrites }, []),
  partlyServedService(ManagementService, { getLoginPolicy: () => management, ...factorWrites }, []),
];
const maxRequestBytes = 1024 * 1024;
const core = createCallCore({ services, toStatus, logger });
const rpc = createRpcDoor({ core, services, logger, maxRequestBytes });
// The service's own connection limits, as an operator who sets none gets them.
const { connectionLimits } = loadConfig({}, []);
const rest = createRestGateway({
  services: [AdminService, ManagementService],
  core,
  toStatus,
  logger,
  maxRequestBytes,
  keepaliveMs: connectionLimits.keepaliveMs,
});
const listener = await listen(
  { host: "127.0.0.1", port: 0, limits: connectionLimits, logger },
  {
    request: (req, res) => {
      if (rpc.handle(req, res) || rest.handle(req, res)) return;
      rest.notFound(req, res);
    },
    stream: grpcDoor({ core, maxRequestBytes }),
  },
);
process.stdout.write(`edge no-op server listening on http://127.0.0.1:${listener.address.port}\n`);
process.once("SIGTERM", () => void listener.close(1000));
