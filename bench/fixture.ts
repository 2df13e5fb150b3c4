/**
 * The data the scenarios work on, made with the service's own code before its server
 * starts: the instance and its admin token, as a first start makes them; one organization
 * with a custom policy for each concurrent writer; and two more with custom policies whose
 * histories differ in length. The first organization keeps no policy of its own, so
 * reading its policy takes two lookups (its own, then the default).
 */
import { SYSTEM_CREATOR } from "../src/command/instance-setup.js";
import { loadConfig } from "../src/config.js";
import { DEFAULT_SETTINGS } from "../src/domain/login-policy.js";
import { createLogger } from "../src/logger.js";
import { openService, type Service } from "../src/service.js";
import { lengthenHistory } from "./long-history.js";

/** An organization with a custom policy, and how many events its aggregate held when the server started. */
export interface PolicyHistory {
  readonly orgId: string;
  readonly events: number;
}

export interface Fixture {
  /** An organization that follows the default policy. */
  readonly defaultPolicyOrgId: string;
  /** Organizations with a custom policy (second factor OTP), one per writer. */
  readonly customPolicyOrgIds: readonly string[];
  readonly shortHistory: PolicyHistory;
  /** The same as the short one, and then `historyEvents` events more. */
  readonly longHistory: PolicyHistory;
}

export async function prepareDatabase(databaseUrl: string, adminPatPath: string, writers: number, historyEvents: number): Promise<Fixture> {
  const config = loadConfig({ LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: adminPatPath }, []);
  const service = await openService(config, createLogger("silent"));
  try {
    const customPolicyOrgIds: string[] = [];
    for (let n = 1; n <= writers; n++) customPolicyOrgIds.push((await orgWithPolicy(service, `Benchmark ${n}`)).orgId);
    const shortHistory = await orgWithPolicy(service, "Benchmark short history");
    const { orgId } = await orgWithPolicy(service, "Benchmark long history");
    return {
      defaultPolicyOrgId: service.instance.defaultOrgId,
      customPolicyOrgIds,
      shortHistory,
      longHistory: { orgId, events: await lengthenHistory(service.store, orgId, historyEvents) },
    };
  } finally {
    await service.close();
  }
}

async function orgWithPolicy(service: Service, name: string): Promise<PolicyHistory> {
  const { orgId } = await service.orgCommands.addOrg(name, SYSTEM_CREATOR);
  const policy = { second: ["otp" as const], multi: [] };
  const { sequence } = await service.loginPolicyCommands.addCustomPolicy(orgId, DEFAULT_SETTINGS, policy, SYSTEM_CREATOR);
  return { orgId, events: sequence };
}
