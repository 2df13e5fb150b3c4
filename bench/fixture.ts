/**
 * The data the scenarios work on, made with the service's own code before its server
 * starts: the instance and its admin token, as a first start makes them, and one
 * organization with a custom policy for each concurrent writer. The first organization
 * keeps no policy of its own, so reading its policy takes two lookups (its own, then the
 * default).
 */
import { SYSTEM_CREATOR } from "../src/command/instance-setup.js";
import { loadConfig } from "../src/config.js";
import { DEFAULT_SETTINGS } from "../src/domain/login-policy.js";
import { createLogger } from "../src/logger.js";
import { openService } from "../src/service.js";

export interface Fixture {
  /** An organization that follows the default policy. */
  readonly defaultPolicyOrgId: string;
  /** Organizations with a custom policy (second factor OTP), one per writer. */
  readonly customPolicyOrgIds: readonly string[];
}

export async function prepareDatabase(databaseUrl: string, adminPatPath: string, customPolicies: number): Promise<Fixture> {
  const config = loadConfig({ LPS_DATABASE_URL: databaseUrl, LPS_ADMIN_PAT_PATH: adminPatPath }, []);
  const service = await openService(config, createLogger("silent"));
  try {
    const customPolicyOrgIds: string[] = [];
    for (let n = 1; n <= customPolicies; n++) {
      const { orgId } = await service.orgCommands.addOrg(`Benchmark ${n}`, SYSTEM_CREATOR);
      await service.loginPolicyCommands.addCustomPolicy(orgId, DEFAULT_SETTINGS, { second: ["otp"], multi: [] }, SYSTEM_CREATOR);
      customPolicyOrgIds.push(orgId);
    }
    return { defaultPolicyOrgId: service.instance.defaultOrgId, customPolicyOrgIds };
  } finally {
    await service.close();
  }
}
