/**
 * Which permissions each role grants, on the instance and on organizations. The default is
 * ZITADEL's; a JSON file of the same shape can replace it (LPS_ROLES_FILE).
 */
import { readFileSync } from "node:fs";
import type { MembershipScope } from "../events/aggregates.js";
import { EVENTS_READ } from "./declared-permissions.js";
import { METRICS_READ } from "./operator-permissions.js";

export type RoleTable = Readonly<Record<MembershipScope, Readonly<Record<string, readonly string[]>>>>;

const ORG_POLICY = ["policy.read", "policy.write", "policy.delete"];

export const DEFAULT_ROLES: RoleTable = {
  instance: {
    IAM_OWNER: ["iam.policy.read", "iam.policy.write", METRICS_READ, EVENTS_READ, ...ORG_POLICY],
    IAM_OWNER_VIEWER: ["iam.policy.read", METRICS_READ],
    IAM_LOGIN_CLIENT: ["iam.policy.read"],
    IAM_ORG_MANAGER: ORG_POLICY,
  },
  org: {
    ORG_OWNER: ORG_POLICY,
    ORG_SETTINGS_MANAGER: ORG_POLICY,
    ORG_OWNER_VIEWER: ["policy.read"],
  },
};

export class RolePermissions {
  constructor(private readonly table: RoleTable) {}

  /** Whether any of the roles grants the permission in that scope. */
  grants(scope: MembershipScope, roles: readonly string[], permission: string): boolean {
    return roles.some((role) => this.table[scope][role]?.includes(permission) ?? false);
  }

  isRole(scope: MembershipScope, role: string): boolean {
    return Object.hasOwn(this.table[scope], role);
  }

  roles(scope: MembershipScope): string[] {
    return Object.keys(this.table[scope]);
  }
}

/** A role table file that will not do, with every problem found in it. */
export class RoleTableError extends Error {
  override readonly name = "RoleTableError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
}

/**
 * Reads and checks a role table file. Every permission it names must be one some method
 * declares, so that a typo cannot silently grant nothing. A file that will not do is a
 * configuration problem: the operator is told what to fix, and the start ends.
 */
export function loadRoleTable(path: string, declared: ReadonlySet<string>): RoleTable {
  const refuse = (problems: string[]) => new RoleTableError(problems.map((problem) => `${path}: ${problem}`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw refuse([(error as Error).message]);
  }
  const problems: string[] = [];
  const table = parsed as Record<string, unknown>;
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw refuse(['expected {"instance": {...}, "org": {...}}']);
  }
  for (const key of Object.keys(table)) {
    if (key !== "instance" && key !== "org") problems.push(`unknown scope "${key}" (use "instance" and "org")`);
  }
  for (const scope of ["instance", "org"] as const) {
    const roles = table[scope] ?? {};
    if (typeof roles !== "object" || roles === null || Array.isArray(roles)) {
      problems.push(`"${scope}" must map role names to lists of permissions`);
      continue;
    }
    for (const [role, permissions] of Object.entries(roles)) {
      if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== "string")) {
        problems.push(`${scope} role ${role} must list permissions as strings`);
        continue;
      }
      for (const permission of permissions as string[]) {
        if (!declared.has(permission)) problems.push(`${scope} role ${role} grants unknown permission "${permission}"`);
      }
    }
  }
  if (problems.length > 0) throw refuse(problems);
  return { instance: table.instance ?? {}, org: table.org ?? {} } as RoleTable;
}
