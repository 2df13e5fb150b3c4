/**
 * `lps members grant|revoke|list`: roles on the instance (without --org) or on one
 * organization. A user ID may name a machine user or the `sub` of an external issuer's JWTs.
 */
import type { MembershipTarget } from "../command/member-commands.js";
import { INSTANCE, ORG } from "../events/aggregates.js";
import type { Membership } from "../query/identity-queries.js";
import type { OperatorCommand, OperatorContext } from "./operator-command.js";
import { UsageError } from "./operator-command.js";
import { textTable } from "./text-table.js";

function target({ service }: OperatorContext, orgId: string | undefined): MembershipTarget {
  return orgId ? { scope: ORG, id: orgId } : { scope: INSTANCE, id: service.instance.id };
}

function membershipTable(memberships: readonly Membership[]): string {
  return textTable(
    ["USER", "ON", "ROLES"],
    memberships.map((m) => [m.userId, m.orgId ? `org ${m.orgId}` : "instance", m.roles.join(", ")]),
  );
}

/** `members grant` and `members revoke`: they differ in the command they run. */
function roleChange(verb: string, summary: string, action: "grantRole" | "revokeRole"): OperatorCommand {
  return {
    words: ["members", verb],
    args: ["<user ID>", "<role>"],
    options: { org: "the organization (default: the instance)" },
    summary,
    async run(context, { args, options }) {
      const [userId, role] = args as [string, string];
      await context.service.memberCommands[action](target(context, options.org), userId, role, context.creator);
      const memberships = await context.identities.membershipsOf(userId);
      return { json: memberships, text: membershipTable(memberships) };
    },
  };
}

export const memberCommands: readonly OperatorCommand[] = [
  roleChange("grant", "grant a role on the instance or an organization", "grantRole"),
  roleChange("revoke", "revoke a role on the instance or an organization", "revokeRole"),
  {
    words: ["members", "list"],
    args: [],
    options: { org: "the members of this organization", user: "every membership of this user" },
    summary: "list the members of the instance, of an organization, or one user's memberships",
    async run({ identities }, { options }) {
      if (options.org && options.user) throw new UsageError("give --org or --user, not both");
      const memberships = options.user ? await identities.membershipsOf(options.user) : await identities.members(options.org);
      return { json: memberships, text: membershipTable(memberships) };
    },
  },
];
