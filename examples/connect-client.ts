// Reads an organization's login policy and lists its passkey settings, over gRPC with a
// Connect client. Run it with `npm run build && node dist/examples/connect-client.js`.
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { readFileSync } from "node:fs";
import { ManagementService } from "../gen/zitadel/management/v1/management_pb.js";
import { MultiFactorType } from "../gen/zitadel/policy/v1/login_policy_pb.js";

const token = readFileSync(process.env.LPS_ADMIN_PAT_PATH ?? "data/admin.pat", "utf8").trim();
const authenticate: Interceptor = (next) => (req) => {
  req.header.set("authorization", `Bearer ${token}`);
  return next(req);
};
const transport = createGrpcTransport({
  baseUrl: process.env.LPS_URL ?? "http://127.0.0.1:8080",
  interceptors: [authenticate],
});
const management = createClient(ManagementService, transport);

const { policy, isDefault } = await management.getLoginPolicy({});
const passkeys = policy?.multiFactors.includes(MultiFactorType.U2F_WITH_VERIFICATION) ? "allowed" : "not allowed";
console.log(`${isDefault ? "default" : "custom"} policy; passkeys ${passkeys}; second factors: ${policy?.secondFactors.length}`);
