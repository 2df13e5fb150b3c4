/**
 * Response messages as binary and as JSON text. A frozen message cannot change, so each of
 * its encodings is made once and kept with it for as long as the message lives: the policy
 * reads answer with frozen messages shared between calls (api/policy-answers.ts), and then
 * cost no encoding. Any other message is encoded each time. Callers never write into what
 * they get back.
 */
import { toBinary, toJsonString, type DescMessage, type Message } from "@bufbuild/protobuf";

const binaries = new WeakMap<Message, Uint8Array>();
const jsonTexts = new WeakMap<Message, string>();

export function binaryOf(schema: DescMessage, message: Message): Uint8Array {
  return encodedOnce(binaries, message, () => toBinary(schema, message));
}

export function jsonOf(schema: DescMessage, message: Message): string {
  return encodedOnce(jsonTexts, message, () => toJsonString(schema, message));
}

function encodedOnce<E>(kept: WeakMap<Message, E>, message: Message, encode: () => E): E {
  if (!Object.isFrozen(message)) return encode();
  let encoded = kept.get(message);
  if (encoded === undefined) kept.set(message, (encoded = encode()));
  return encoded;
}
