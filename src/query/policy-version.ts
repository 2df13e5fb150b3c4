/**
 * The version of an effective login policy: what REST sends as its entity tag, gRPC and
 * Connect as an `etag` header, a write's `if-match` precondition names, and a watch stream
 * sends with every state.
 *
 * A custom policy's version is the sequence of its last event on the organization; a
 * policy that follows the default has the default's. The prefix keeps the two apart, so an
 * organization that takes or drops a custom policy always changes version, and one that
 * follows the default changes version whenever the default does. Two equal versions mean
 * the same policy content.
 */
import type { EffectivePolicy } from "./login-policy-queries.js";

export type PolicyVersion = string;

export function policyVersion({ policy, isDefault }: EffectivePolicy): PolicyVersion {
  return `${isDefault ? "d" : "c"}${policy.sequence}`;
}
