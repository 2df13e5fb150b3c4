/**
 * The service's state and logic, opened from the configuration: the store, the instance
 * (set up on first start), the commands and queries, and the access checks. The server and
 * the operator commands both start here, so a database is set up the same way whichever
 * touches it first.
 */
import { existsSync } from "node:fs";
import { LoginPolicyWatchService } from "../gen/lps/v1/login_policy_watch_pb.js";
import { PolicyReachService } from "../gen/lps/v1/policy_reach_pb.js";
import { AdminService } from "../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../gen/zitadel/management/v1/management_pb.js";
import { SettingsService } from "../gen/zitadel/settings/v2/settings_service_pb.js";
import { Authenticator } from "./access/authenticator.js";
import { Authorizer } from "./access/authorizer.js";
import { DeclaredPermissions } from "./access/declared-permissions.js";
import { OPERATOR_PERMISSIONS } from "./access/operator-permissions.js";
import { DEFAULT_ROLES, loadRoleTable, RolePermissions, RoleTableError, type RoleTable } from "./access/role-permissions.js";
import { setUpInstance } from "./command/instance-setup.js";
import { LoginPolicyCommands } from "./command/login-policy-commands.js";
import { MemberCommands } from "./command/member-commands.js";
import { OrgCommands } from "./command/org-commands.js";
import { UserCommands } from "./command/user-commands.js";
import { ConfigError, SETTINGS, type Config } from "./config.js";
import { DEFAULT_SETTINGS } from "./domain/login-policy.js";
import { openEventStore } from "./eventstore/open.js";
import type { EventStore } from "./eventstore/store.js";
import { IdGenerator } from "./id-generator.js";
import { writeAdminToken } from "./identity/admin-token-file.js";
import { JwtVerifier } from "./identity/jwt-verifier.js";
import type { Logger } from "./logger.js";
import type { StoreObserver } from "./metrics/store-observer.js";
import type { InstanceDocument } from "./projections/instance-projection.js";
import { EventSearchQueries } from "./query/event-search.js";
import { IdentityQueries } from "./query/identity-queries.js";
import { LoginPolicyQueries } from "./query/login-policy-queries.js";
import { PolicyReachQueries } from "./query/policy-reach.js";
import { projections } from "./projections/projections.js";

/** The services whose methods are login-policy RPCs, each protected by its declared permission. */
export const POLICY_SERVICES = [AdminService, ManagementService, PolicyReachService, LoginPolicyWatchService, SettingsService];

export interface Service {
  readonly store: EventStore;
  readonly instance: InstanceDocument;
  readonly loginPolicyCommands: LoginPolicyCommands;
  readonly loginPolicyQueries: LoginPolicyQueries;
  readonly policyReachQueries: PolicyReachQueries;
  readonly eventSearchQueries: EventSearchQueries;
  readonly identityQueries: IdentityQueries;
  readonly orgCommands: OrgCommands;
  readonly userCommands: UserCommands;
  readonly memberCommands: MemberCommands;
  readonly roles: RolePermissions;
  readonly permissions: DeclaredPermissions;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  close(): Promise<void>;
}

export async function openService(config: Config, logger: Logger, storeObserver?: StoreObserver): Promise<Service> {
  const permissions = new DeclaredPermissions(POLICY_SERVICES);
  const grantable = new Set([...permissions.all(), ...OPERATOR_PERMISSIONS]);
  const roles = new RolePermissions(config.rolesFile ? roleTable(config.rolesFile, grantable) : DEFAULT_ROLES);
  if (config.jwt && "file" in config.jwt.jwks && !existsSync(config.jwt.jwks.file)) {
    throw new Error(`LPS_JWKS_FILE: ${config.jwt.jwks.file} does not exist`);
  }
  const store = await openEventStore(config.database, projections, logger, {
    observer: storeObserver,
    cachedDocuments: config.cachedDocuments,
  });
  try {
    const ids = new IdGenerator();
    const { instance, admin } = await setUpInstance(store, ids, {
      instanceName: config.setup.instanceName,
      firstOrgName: config.setup.firstOrgName,
      policySettings: DEFAULT_SETTINGS,
      policyFactors: config.setup.factors,
    });
    if (admin) {
      logger.info({ instanceId: instance.id, adminUserId: admin.userId, engine: store.engine }, "instance created");
      publishAdminToken(config.adminPatPath, admin.token, logger);
    } else {
      logger.info({ instanceId: instance.id, engine: store.engine }, "instance found");
    }
    return {
      store,
      instance,
      loginPolicyCommands: new LoginPolicyCommands(store, instance.id),
      loginPolicyQueries: new LoginPolicyQueries(store, instance.id),
      policyReachQueries: new PolicyReachQueries(store),
      eventSearchQueries: new EventSearchQueries(store),
      identityQueries: new IdentityQueries(store),
      orgCommands: new OrgCommands(store, ids),
      userCommands: new UserCommands(store, ids),
      memberCommands: new MemberCommands(store, roles),
      roles,
      permissions,
      authenticator: new Authenticator(store, config.jwt && new JwtVerifier(config.jwt)),
      authorizer: new Authorizer(store, roles),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The role table file, or the configuration problem it is. */
function roleTable(path: string, grantable: ReadonlySet<string>): RoleTable {
  try {
    return loadRoleTable(path, grantable);
  } catch (error) {
    if (!(error instanceof RoleTableError)) throw error;
    throw new ConfigError(error.problems.map((problem) => `${SETTINGS.rolesFile.env}: ${problem}`));
  }
}

function publishAdminToken(path: string, token: string, logger: Logger): void {
  try {
    writeAdminToken(path, token);
    logger.info({ path }, "admin token written");
  } catch (error) {
    // The instance exists either way; the operator can issue another token with the CLI.
    logger.error(
      { path, reason: (error as Error).message },
      "the admin token could not be written; create one with: lps tokens create <admin user ID>",
    );
  }
}
