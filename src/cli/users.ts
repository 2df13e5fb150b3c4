/** `lps users add|list`: machine users, which call the API with personal access tokens. */
import type { OperatorCommand } from "./operator-command.js";
import { textTable } from "./text-table.js";

export const userCommands: readonly OperatorCommand[] = [
  {
    words: ["users", "add"],
    args: ["<username>"],
    options: { org: "the user's organization (default: the first organization)", name: "a display name" },
    summary: "add a machine user",
    async run({ service, creator }, { args, options }) {
      const orgId = options.org ?? service.instance.defaultOrgId;
      const user = await service.userCommands.addMachineUser(orgId, args[0]!, options.name ?? "", creator);
      return { json: { id: user.userId, orgId: user.orgId, username: user.username }, text: `${user.userId}\n` };
    },
  },
  {
    words: ["users", "list"],
    args: [],
    options: { org: "only the users of this organization" },
    summary: "list machine users",
    async run({ identities }, { options }) {
      const users = await identities.users(options.org);
      return {
        json: users.map(({ tokens, ...user }) => ({ ...user, tokenCount: tokens.length })),
        text: textTable(
          ["ID", "USERNAME", "NAME", "ORG", "TOKENS"],
          users.map((u) => [u.id, u.username, u.name, u.orgId, String(u.tokens.length)]),
        ),
      };
    },
  },
];
