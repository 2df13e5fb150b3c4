/** `lps orgs add|list`. */
import type { OperatorCommand } from "./operator-command.js";
import { textTable } from "./text-table.js";

export const orgCommands: readonly OperatorCommand[] = [
  {
    words: ["orgs", "add"],
    args: ["<name>"],
    summary: "add an organization",
    async run({ service, creator }, { args }) {
      const { orgId } = await service.orgCommands.addOrg(args[0]!, creator);
      return { json: { id: orgId, name: args[0]!.trim() }, text: `${orgId}\n` };
    },
  },
  {
    words: ["orgs", "list"],
    args: [],
    summary: "list the organizations",
    async run({ identities, service }) {
      const orgs = await identities.orgs();
      const isDefault = (id: string) => (id === service.instance.defaultOrgId ? "yes" : "");
      return {
        json: orgs.map((org) => ({ ...org, isDefault: org.id === service.instance.defaultOrgId })),
        text: textTable(["ID", "NAME", "DEFAULT", "CREATED"], orgs.map((o) => [o.id, o.name, isDefault(o.id), o.createdAt])),
      };
    },
  },
];
