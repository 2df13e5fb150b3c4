/**
 * The framework's floor, a child process like the service: connect-node's own adapter
 * answering AdminService.GetLoginPolicy and ManagementService.GetLoginPolicy with fixed
 * messages, and the REST route with the same answer's JSON; no interceptors, storage or
 * log. It listens on the service's one-port listener, which only hands each connection to
 * Node's HTTP/2 or HTTP/1.1 server, so calls reach the same Node servers as the service's
 * do. Called with the same clients and requests as the service, it shows what the
 * framework costs, and the ratio of the two what the service's own code adds.
 *
 * Arguments: the Admin and Management answers (protobuf binary, base64) and the REST
 * answer's body, as the service gave them (see framework-floor.ts).
 */
import { fromBinary } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { AdminService, GetLoginPolicyResponseSchema as AdminAnswerSchema } from "../gen/zitadel/admin/v1/admin_pb.js";
import {
  GetLoginPolicyResponseSchema as ManagementAnswerSchema,
  ManagementService,
} from "../gen/zitadel/management/v1/management_pb.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { listen } from "../src/server/listener.js";

const [adminAnswer, managementAnswer, restAnswer] = process.argv.slice(2);
if (restAnswer === undefined) throw new Error("usage: noop-server.js <admin answer> <management answer> <REST answer>");
const admin = fromBinary(AdminAnswerSchema, Buffer.from(adminAnswer!, "base64"));
const management = fromBinary(ManagementAnswerSchema, Buffer.from(managementAnswer!, "base64"));

const handler = connectNodeAdapter({
  routes: (router) => {
    router.rpc(AdminService.method.getLoginPolicy, () => admin);
    router.rpc(ManagementService.method.getLoginPolicy, () => management);
  },
  // The benchmark GETs one REST route only, so any GET is that one.
  fallback: (req, res) => {
    if (req.method !== "GET") {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(restAnswer) });
    res.end(restAnswer);
  },
});

const { connectionLimits } = loadConfig({}, []);
const listener = await listen({ host: "127.0.0.1", port: 0, limits: connectionLimits, logger: createLogger("silent") }, { request: handler });
process.stdout.write(`no-op server listening on http://127.0.0.1:${listener.address.port}\n`);
process.once("SIGTERM", () => void listener.close(1000));
