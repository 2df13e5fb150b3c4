/** `lps tokens create|list|revoke`: personal access tokens of machine users. */
import { notFound } from "../errors.js";
import type { OperatorCommand } from "./operator-command.js";
import { UsageError } from "./operator-command.js";
import { textTable } from "./text-table.js";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** When a new token expires: --expires-in 90d (m, h, d, w), --expires-at <RFC 3339>, or never. */
function expiryOf(options: Readonly<Record<string, string | undefined>>): Date | undefined {
  const { "expires-in": within, "expires-at": at } = options;
  if (within && at) throw new UsageError("give --expires-in or --expires-at, not both");
  if (within) {
    const match = /^(\d+)([mhdw])$/.exec(within);
    if (!match) throw new UsageError(`--expires-in takes a number and a unit (m, h, d, w), like 90d; got "${within}"`);
    return new Date(Date.now() + Number(match[1]) * UNIT_MS[match[2]!]!);
  }
  if (at) {
    const date = new Date(at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(date.getTime())) {
      throw new UsageError(`--expires-at takes an RFC 3339 time, like 2027-01-31T00:00:00Z; got "${at}"`);
    }
    return date;
  }
  return undefined;
}

export const tokenCommands: readonly OperatorCommand[] = [
  {
    words: ["tokens", "create"],
    args: ["<user ID>"],
    options: { "expires-in": "lifetime, like 90d (m, h, d, w)", "expires-at": "expiry as an RFC 3339 time" },
    summary: "issue a personal access token; it is printed once and never stored",
    async run({ service, creator }, { args, options }) {
      const issued = await service.userCommands.addToken(args[0]!, expiryOf(options), creator);
      return {
        json: { id: issued.tokenId, token: issued.token, expiresAt: issued.expiresAt ?? null },
        // The token alone on stdout, so that `$(lps tokens create ...)` captures just it.
        text: `${issued.token}\n`,
      };
    },
  },
  {
    words: ["tokens", "list"],
    args: ["<user ID>"],
    summary: "list a user's tokens (their IDs and expiry, never the tokens)",
    async run({ identities }, { args }) {
      const tokens = await identities.tokens(args[0]!);
      if (!tokens) throw notFound("CLI-Nf0us", "Errors.User.NotFound", `no machine user with ID ${args[0]}`);
      return {
        json: tokens,
        text: textTable(["ID", "CREATED", "EXPIRES"], tokens.map((t) => [t.id, t.createdAt, t.expiresAt ?? "never"])),
      };
    },
  },
  {
    words: ["tokens", "revoke"],
    args: ["<user ID>", "<token ID>"],
    summary: "revoke a token: it stops working at once",
    async run({ service, creator }, { args }) {
      await service.userCommands.revokeToken(args[0]!, args[1]!, creator);
      return { json: { revoked: args[1] }, text: `revoked ${args[1]}\n` };
    },
  },
];
