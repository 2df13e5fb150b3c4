/**
 * Answers to policy reads, built once for each stored state of a policy. The store shares
 * the states it keeps in memory between calls and freezes them, so a state never changes
 * once stored; an answer built from one can then be frozen and shared as well, and the
 * doors encode a frozen answer once (server/wire/message-encoding.ts). A read of a policy
 * whose state is in memory thus costs a lookup, not a conversion and an encoding.
 *
 * A state the store did not keep (not frozen) gets an answer of its own, built each time.
 */
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { deepFreeze } from "../deep-freeze.js";
import type { LoginPolicyDocument } from "../projections/login-policy-projection.js";

/** By state, then by what the answer is (its message type, and whether it is the default's). */
const answers = new WeakMap<LoginPolicyDocument, Map<string, unknown>>();

export function policyAnswer<Desc extends DescMessage>(
  schema: Desc,
  state: LoginPolicyDocument,
  isDefault: boolean,
  build: () => MessageInitShape<Desc>,
): MessageShape<Desc> {
  if (!Object.isFrozen(state)) return create(schema, build());
  let byKind = answers.get(state);
  if (!byKind) answers.set(state, (byKind = new Map()));
  const kind = isDefault ? `${schema.typeName} default` : schema.typeName;
  let answer = byKind.get(kind) as MessageShape<Desc> | undefined;
  if (!answer) byKind.set(kind, (answer = deepFreeze(create(schema, build()))));
  return answer;
}
