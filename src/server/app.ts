/**
 * The running service: storage opened and set up, the RPC services behind their
 * interceptors, one listener for every protocol. Everything that depends on configuration
 * is assembled here and nowhere else.
 */
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { Authorizer } from "../access/authorizer.js";
import { DeclaredPermissions } from "../access/declared-permissions.js";
import { adminService } from "../api/admin.js";
import { managementService } from "../api/management.js";
import { policyServices } from "../api/policy-services.js";
import { setUpInstance, SYSTEM_CREATOR } from "../command/instance-setup.js";
import { LoginPolicyCommands } from "../command/login-policy-commands.js";
import type { Config } from "../config.js";
import { DEFAULT_SETTINGS } from "../domain/login-policy.js";
import { openEventStore } from "../eventstore/open.js";
import type { EventStore } from "../eventstore/store.js";
import { IdGenerator } from "../id-generator.js";
import { authenticateInterceptor } from "../interceptors/authenticate.js";
import { authorizeInterceptor } from "../interceptors/authorize.js";
import { errorStatusInterceptor } from "../interceptors/error-status.js";
import { orgContextInterceptor } from "../interceptors/org-context.js";
import type { Logger } from "../logger.js";
import type { InstanceDocument } from "../query/instance-projection.js";
import { LoginPolicyQueries } from "../query/login-policy-queries.js";
import { projections } from "../query/projections.js";
import { createRestGateway } from "./gateway/rest-gateway.js";
import { listen, type Listener } from "./listener.js";
import { openApiDoor } from "./openapi-door.js";
import { createRpcHandler, type HttpDoor } from "./rpc-handler.js";
import { createStatusMapper } from "./status-error.js";

export interface App {
  /** Where the service listens, e.g. "http://127.0.0.1:8080". */
  readonly url: string;
  readonly address: AddressInfo;
  readonly instance: InstanceDocument;
  readonly store: EventStore;
  /** Stops accepting calls, lets those in flight finish, and closes the database. */
  close(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const tls = config.tls && { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) };
  const store = await openEventStore(config.database, projections);
  let listener: Listener | undefined;
  try {
    const { instance, created } = await setUpInstance(store, new IdGenerator(), {
      instanceName: config.setup.instanceName,
      firstOrgName: config.setup.firstOrgName,
      policySettings: DEFAULT_SETTINGS,
      policyFactors: config.setup.factors,
    });
    logger.info({ instanceId: instance.id, created, engine: store.engine }, created ? "instance created" : "instance found");

    const commands = new LoginPolicyCommands(store);
    const queries = new LoginPolicyQueries(store, instance.id);
    const toStatus = createStatusMapper(logger);
    const interceptors: Interceptor[] = [
      errorStatusInterceptor(toStatus),
      orgContextInterceptor(),
      // Until identities exist, every caller acts as the instance's operator.
      authenticateInterceptor(async () => ({ userId: SYSTEM_CREATOR, orgId: instance.defaultOrgId })),
      authorizeInterceptor(new Authorizer(store), new DeclaredPermissions(policyServices)),
    ];
    const shutdown = new AbortController();
    const rpc = createRpcHandler({
      routes: (router: ConnectRouter) => {
        router.service(AdminService, adminService(instance.id, commands, queries), { interceptors });
        router.service(ManagementService, managementService(commands, queries), { interceptors });
      },
      toStatus,
      logger,
      readMaxBytes: config.maxRequestBytes,
      shutdownSignal: shutdown.signal,
    });
    const rest = createRestGateway({ services: policyServices, rpc, toStatus, logger, maxRequestBytes: config.maxRequestBytes });
    // Each door serves the requests that are its own and passes on the rest; the first
    // that takes a request answers it, and the gateway answers what none took.
    const doors: HttpDoor[] = [rpc, rest, openApiDoor(toStatus)];
    listener = await listen({ host: config.host, port: config.port, tls }, (req, res) => {
      if (doors.some((door) => door.handle(req, res))) return;
      rest.notFound(req, res);
    });

    const { address } = listener;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const running = listener;
    return {
      url: `${tls ? "https" : "http"}://${host}:${address.port}`,
      address,
      instance,
      store,
      async close() {
        const deadline = setTimeout(() => shutdown.abort(), config.shutdownGraceMs);
        await running.close(config.shutdownGraceMs);
        clearTimeout(deadline);
        await store.close();
      },
    };
  } catch (error) {
    await listener?.close(0);
    await store.close();
    throw error;
  }
}
