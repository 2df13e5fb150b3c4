/** AdminService: the instance's default login policy. Thin: convert, call, convert back. */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { AdminService, GetLoginPolicyResponseSchema } from "../../gen/zitadel/admin/v1/admin_pb.js";
import type { LoginPolicyCommands, PolicyOwner } from "../command/login-policy-commands.js";
import { INSTANCE } from "../events/aggregates.js";
import { AGGREGATE_TYPES, EVENT_TYPES } from "../events/event-catalog.js";
import { invalidArgument } from "../errors.js";
import { MAX_FILTER_VALUES, type EventSearchQueries } from "../query/event-search.js";
import type { IdentityQueries } from "../query/identity-queries.js";
import type { LoginPolicyQueries } from "../query/login-policy-queries.js";
import type { PolicyReachQueries } from "../query/policy-reach.js";
import { callerOf, readsOf } from "./call-values.js";
import { eventSearchFromProto, eventToProto, typeToProto } from "./event-converter.js";
import { factorHandlers } from "./factor-handlers.js";
import { loginPolicyToProto, settingsFromProto } from "./login-policy-converter.js";
import { policyAnswer } from "./policy-answers.js";
import { versionedWrite, versionRead } from "./versioned-calls.js";

export function adminService(
  instanceId: string,
  commands: LoginPolicyCommands,
  queries: LoginPolicyQueries,
  reach: PolicyReachQueries,
  events: EventSearchQueries,
  identities: IdentityQueries,
): ServiceImpl<typeof AdminService> {
  const owner: PolicyOwner = { type: INSTANCE, id: instanceId };
  const defaultPolicy = async (ctx: HandlerContext) => ({ policy: await queries.defaultPolicy(readsOf(ctx)), isDefault: true });
  const followingDefault = () => reach.followingDefault();
  return {
    async getLoginPolicy(_req, ctx) {
      const { policy } = versionRead(ctx, await defaultPolicy(ctx));
      return policyAnswer(GetLoginPolicyResponseSchema, policy, true, () => ({ policy: loginPolicyToProto(policy, true) }));
    },
    async updateLoginPolicy(req, ctx) {
      const settings = settingsFromProto(req);
      return versionedWrite(ctx, (conditions) => commands.updateSettings(owner, settings, callerOf(ctx).userId, conditions), followingDefault);
    },
    ...factorHandlers(commands, { owner: () => owner, policy: defaultPolicy, reach: followingDefault }),
    async listEvents(req) {
      refuseLongFilter("eventTypes", req.eventTypes);
      refuseLongFilter("aggregateTypes", req.aggregateTypes);
      const found = await events.search(eventSearchFromProto(req));
      const names = await identities.userNames(new Set(found.map((event) => event.creator)));
      return { events: found.map((event) => eventToProto(event, names.get(event.creator) ?? "")) };
    },
    listEventTypes() {
      return { eventTypes: EVENT_TYPES.map(typeToProto) };
    },
    listAggregateTypes() {
      return { aggregateTypes: AGGREGATE_TYPES.map(typeToProto) };
    },
  };
}

/**
 * A filter lists at most MAX_FILTER_VALUES types: far more than the log holds, and few
 * enough that its query stays within what the database takes (SQLite refuses a statement
 * with more than 32,766 values in it).
 */
function refuseLongFilter(name: string, values: readonly string[]): void {
  if (values.length <= MAX_FILTER_VALUES) return;
  throw invalidArgument("EVENT-F1ltr", "Errors.Events.FilterTooLong", `${name} lists ${values.length} values; at most ${MAX_FILTER_VALUES} are allowed`);
}
