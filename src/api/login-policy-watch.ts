/**
 * LoginPolicyWatchService: login policies as streams, the organization's (as Management
 * reads it) and the instance's default (as Admin reads it). Thin: the watch itself is the
 * query side's; this converts its states and ends it with Unavailable when the server
 * begins to shut down, so that clients reconnect to another replica.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  LoginPolicyWatchService,
  WatchDefaultLoginPolicyResponseSchema,
  WatchLoginPolicyResponseSchema,
} from "../../gen/lps/v1/login_policy_watch_pb.js";
import { unavailable } from "../errors.js";
import type { EventStore } from "../eventstore/store.js";
import type { EffectivePolicy, LoginPolicyQueries } from "../query/login-policy-queries.js";
import { watchPolicy, type WatchedPolicy } from "../query/policy-watch.js";
import { orgOf } from "./call-values.js";
import { accessCheckKey } from "./context-keys.js";
import { loginPolicyToProto } from "./login-policy-converter.js";
import { policyAnswer } from "./policy-answers.js";

export interface LoginPolicyWatchSettings {
  /** How often a quiet stream checks the caller's access and reads the policy again. */
  readonly recheckMs: number;
  /** Aborts when the server begins to shut down: every stream ends with Unavailable. */
  readonly closing: AbortSignal;
}

export function loginPolicyWatchService(
  store: EventStore,
  queries: LoginPolicyQueries,
  settings: LoginPolicyWatchSettings,
): ServiceImpl<typeof LoginPolicyWatchService> {
  async function* watch(read: () => Promise<EffectivePolicy>, lastVersion: string, ctx: HandlerContext): AsyncGenerator<WatchedPolicy> {
    if (settings.closing.aborted) throw shuttingDown();
    const admit = ctx.values.get(accessCheckKey);
    // The interceptors set it for every streaming call they admit.
    if (!admit) throw new Error("watch reached without an access check");
    // The client going away, or the server closing, ends the watch; both listeners go with it.
    const ended = new AbortController();
    const end = () => ended.abort();
    ctx.signal.addEventListener("abort", end);
    settings.closing.addEventListener("abort", end);
    try {
      yield* watchPolicy(store, { read, lastVersion, admit, recheckMs: settings.recheckMs, signal: ended.signal });
    } finally {
      ctx.signal.removeEventListener("abort", end);
      settings.closing.removeEventListener("abort", end);
    }
    if (settings.closing.aborted) throw shuttingDown();
  }

  return {
    async *watchLoginPolicy(req, ctx) {
      const orgId = orgOf(ctx);
      for await (const { effective, version } of watch(() => queries.orgPolicy(orgId), req.lastVersion, ctx)) {
        // Every watcher of the state gets the one message made for it (the version comes from the state).
        const { policy, isDefault } = effective;
        yield policyAnswer(WatchLoginPolicyResponseSchema, policy, isDefault, () => ({ policy: loginPolicyToProto(policy, isDefault), isDefault, version }));
      }
    },
    async *watchDefaultLoginPolicy(req, ctx) {
      const read = async () => ({ policy: await queries.defaultPolicy(), isDefault: true });
      for await (const { effective, version } of watch(read, req.lastVersion, ctx)) {
        const { policy } = effective;
        yield policyAnswer(WatchDefaultLoginPolicyResponseSchema, policy, true, () => ({ policy: loginPolicyToProto(policy, true), version }));
      }
    },
  };
}

function shuttingDown() {
  return unavailable("WATCH-Shut1", "Errors.Server.ShuttingDown", "the server is shutting down; reconnect to watch on");
}
