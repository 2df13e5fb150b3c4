/**
 * The running service: storage opened and set up, the RPC services behind their
 * interceptors, one listener for every protocol. Everything that depends on configuration
 * is assembled here and nowhere else.
 */
import type { DescService } from "@bufbuild/protobuf";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ServerReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { LoginPolicyWatchService } from "../../gen/lps/v1/login_policy_watch_pb.js";
import { PolicyReachService } from "../../gen/lps/v1/policy_reach_pb.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";
import { SettingsService } from "../../gen/zitadel/settings/v2/settings_service_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { adminService } from "../api/admin.js";
import { loginPolicyWatchService } from "../api/login-policy-watch.js";
import { managementService } from "../api/management.js";
import { policyReachService } from "../api/policy-reach.js";
import { settingsService } from "../api/settings.js";
import type { Config } from "../config.js";
import type { EventStore } from "../eventstore/store.js";
import { RateLimits } from "../access/rate-limits.js";
import { callDocuments } from "../access/call-documents.js";
import { accessRecheckInterceptor } from "../interceptors/access-recheck.js";
import { authenticateInterceptor, type Authenticate } from "../interceptors/authenticate.js";
import { authorizeInterceptor } from "../interceptors/authorize.js";
import { callerLogInterceptor } from "../interceptors/caller-log.js";
import { errorStatusInterceptor } from "../interceptors/error-status.js";
import { peerAddressKey } from "../api/context-keys.js";
import { orgContextInterceptor } from "../interceptors/org-context.js";
import { readScopeInterceptor } from "../interceptors/read-scope.js";
import { addressRateLimitInterceptor, callerRateLimitInterceptor } from "../interceptors/rate-limit.js";
import { STREAMING_CALLS, WATCH_STREAMS, streamingCallLimitInterceptor } from "../interceptors/streaming-call-limit.js";
import type { Logger } from "../logger.js";
import { ServiceMetrics } from "../metrics/service-metrics.js";
import type { InstanceDocument } from "../projections/instance-projection.js";
import { POLICY_SERVICES, openService } from "../service.js";
import { connectionTracking } from "./connection-tracking.js";
import { withCors } from "./cors.js";
import { addressLimitDoor } from "./address-limit-door.js";
import { consoleDoor } from "./console/console-door.js";
import { createRestGateway } from "./gateway/rest-gateway.js";
import { DatabaseMonitor } from "./health/database-monitor.js";
import { healthService } from "./health/health-service.js";
import { healthProbes } from "./health/probes.js";
import { Readiness } from "./health/readiness.js";
import { listen, type Listener } from "./listener.js";
import { isLoopback } from "../net/loopback-address.js";
import { metricsDoor, metricsReaders } from "./metrics-door.js";
import { openApiDoor } from "./openapi-door.js";
import { requestTargetDoor } from "./request-target.js";
import { serverReflectionV1, serverReflectionV1alpha } from "./reflection/reflection-service.js";
import { ServedDescriptors } from "./reflection/served-descriptors.js";
import { createCallCore, partlyServedService, servedService } from "./call/call-core.js";
import { grpcDoor } from "./grpc-door.js";
import type { HttpDoor } from "./http-door.js";
import { withRequestContext } from "./request-context.js";
import { createRpcDoor } from "./rpc-door.js";
import { createStatusMapper } from "../interceptors/status-mapping.js";

export interface App {
  /** Where the service listens, e.g. "http://127.0.0.1:8080". */
  readonly url: string;
  readonly address: AddressInfo;
  readonly instance: InstanceDocument;
  readonly store: EventStore;
  /** Stops accepting calls, lets those in flight finish, and closes the database. */
  close(): Promise<void>;
}

/** `log` is where the logger's lines go, when it counts the lines it had to drop. */
export async function startApp(config: Config, logger: Logger, log?: { readonly dropped: number }): Promise<App> {
  const tls = config.tls && { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) };
  const metrics = config.metrics === "off" ? undefined : new ServiceMetrics();
  if (log) metrics?.watchLog(() => log.dropped);
  const service = await openService(config, logger, metrics);
  const { instance, store } = service;
  const readiness = new Readiness();
  const monitor = new DatabaseMonitor(store, readiness, config.databaseCheckIntervalMs, logger);
  let listener: Listener | undefined;
  try {
    const toStatus = createStatusMapper(logger);
    const errorStatus = errorStatusInterceptor(toStatus);
    const rateLimits = new RateLimits(config.rateLimits, metrics);
    const authenticate: Authenticate = (header, scope) => service.authenticator.authenticate(header.get("authorization"), scope);
    const interceptors: Interceptor[] = [
      errorStatus,
      addressRateLimitInterceptor(rateLimits),
      orgContextInterceptor(),
      readScopeInterceptor((authorization, requestedOrgId) => callDocuments(authorization, requestedOrgId, instance.id)),
      authenticateInterceptor(authenticate),
      callerLogInterceptor(),
      callerRateLimitInterceptor(rateLimits),
      authorizeInterceptor(service.authorizer, service.permissions),
    ];
    // Watch streams are admitted as the reads they stream are, checked again while they
    // last, and capped per process.
    const watchInterceptors: Interceptor[] = [
      ...interceptors,
      accessRecheckInterceptor(authenticate, service.authorizer, service.permissions),
      streamingCallLimitInterceptor({ max: config.watch.maxWatchers, ...WATCH_STREAMS }, metrics),
    ];
    // Health and reflection are for anyone who can reach the port: no token, but a cap on
    // the streams they hold, and health checks from this machine are never limited.
    const isLocalHealthCheck = (req: { service: DescService; contextValues: ContextValues }) =>
      req.service.typeName === Health.typeName && isLoopback(req.contextValues.get(peerAddressKey));
    const open = [
      errorStatus,
      addressRateLimitInterceptor(rateLimits, isLocalHealthCheck),
      streamingCallLimitInterceptor({ max: config.connectionLimits.maxStreamingCalls, ...STREAMING_CALLS }, metrics),
    ];
    const served = [...POLICY_SERVICES, Health, ServerReflectionV1, ServerReflectionV1alpha];
    const descriptors = new ServedDescriptors(served, [ErrorDetailSchema]);
    const shutdown = new AbortController();
    // Aborted when shutdown begins: watch streams end then, not when the grace period is over.
    const closing = new AbortController();
    // Every streaming call listens to both, for as long as it lasts: thousands at once are expected.
    setMaxListeners(0, shutdown.signal, closing.signal);
    const { loginPolicyCommands: commands, loginPolicyQueries: queries, policyReachQueries: reach } = service;
    // Health checks (which probes make every few seconds) and reflection are logged at debug level.
    const services = [
      servedService(
        AdminService,
        adminService(instance.id, commands, queries, reach, service.eventSearchQueries, service.identityQueries),
        interceptors,
      ),
      servedService(ManagementService, managementService(commands, queries), interceptors),
      servedService(PolicyReachService, policyReachService(reach), interceptors),
      servedService(
        LoginPolicyWatchService,
        loginPolicyWatchService(store, queries, { recheckMs: config.watch.recheckMs, closing: closing.signal }),
        watchInterceptors,
      ),
      partlyServedService(SettingsService, settingsService(queries), interceptors),
      servedService(Health, healthService(readiness, descriptors.serviceNames), open, true),
      servedService(ServerReflectionV1, serverReflectionV1(descriptors), open, true),
      servedService(ServerReflectionV1alpha, serverReflectionV1alpha(descriptors), open, true),
    ];
    const core = createCallCore({
      services,
      toStatus,
      logger,
      shutdownSignal: shutdown.signal,
      maxTimeoutMs: config.maxDeadlineMs,
      calls: metrics,
    });
    const maxRequestBytes = config.maxRequestBytes;
    const rpc = createRpcDoor({ core, services, logger, maxRequestBytes, shutdownSignal: shutdown.signal });
    const keepaliveMs = config.connectionLimits.keepaliveMs;
    const rest = createRestGateway({ services: POLICY_SERVICES, core, toStatus, logger, maxRequestBytes, calls: metrics, keepaliveMs });
    const admit =
      config.metrics === "token"
        ? metricsReaders((authorization) => service.authenticator.authenticate(authorization), (request) => service.authorizer.authorize(request))
        : undefined;
    // Each door serves the requests that are its own and passes on the rest; the first
    // that takes a request answers it, and the REST gateway answers what none took.
    // A request no URL can be made of is refused before any door reads it, and a target in
    // the absolute form (http://host/path) made the path the others read.
    const doors: HttpDoor[] = [
      requestTargetDoor(toStatus, logger),
      rpc,
      rest,
      // What passes here is no call, and the interceptors have not counted it.
      addressLimitDoor(rateLimits, toStatus),
      ...(metrics ? [metricsDoor({ metrics, admit, toStatus, logger })] : []),
      healthProbes(readiness),
      openApiDoor(toStatus),
      consoleDoor(),
    ];
    // Migrations ran and the instance exists: ready from the first request if the database answers.
    await monitor.start();
    const answer = withCors(config.corsOrigins, (req, res) => {
      if (doors.some((door) => door.handle(req, res))) return;
      rest.notFound(req, res);
    });
    const tracking = metrics && connectionTracking(metrics);
    const grpc = grpcDoor({ core, maxRequestBytes });
    listener = await listen(
      { host: config.host, port: config.port, tls, limits: config.connectionLimits, logger, limitObserver: metrics },
      {
        request: withRequestContext(tracking ? tracking.requests(answer) : answer),
        stream: tracking ? tracking.streams(grpc) : grpc,
      },
    );

    const { address } = listener;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const running = listener;
    return {
      url: `${tls ? "https" : "http"}://${host}:${address.port}`,
      address,
      instance,
      store,
      async close() {
        // Probes and health watchers learn first, then the calls in flight are drained.
        readiness.shutDown();
        closing.abort();
        monitor.stop();
        const deadline = setTimeout(() => shutdown.abort(), config.shutdownGraceMs);
        await running.close(config.shutdownGraceMs);
        clearTimeout(deadline);
        await service.close();
      },
    };
  } catch (error) {
    monitor.stop();
    await listener?.close(0);
    await service.close();
    throw error;
  }
}
