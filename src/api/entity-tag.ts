/**
 * Entity tags (RFC 9110, 8.8.3) of policy versions: a version in double quotes, strong,
 * the same bytes over every protocol. If-Match (13.1.1) names one or more of them, or "*"
 * for any version.
 */
import { invalidArgument } from "../errors.js";
import type { PolicyVersion } from "../query/policy-version.js";

export function entityTag(version: PolicyVersion): string {
  return `"${version}"`;
}

/** What an If-Match header admits: any version, or the versions it names. */
export type VersionMatch = { readonly any: true } | { readonly any: false; readonly versions: readonly PolicyVersion[] };

/** At most this many characters: a few entity tags, never a body's worth. */
const MAX_IF_MATCH_LENGTH = 1024;

/**
 * Reads an If-Match header. A weak tag (W/"...") never matches, as strong comparison wants.
 * A bare version without quotes is taken as its tag, for gRPC clients that copy the value
 * by hand. Anything else is InvalidArgument: a precondition that cannot be read must not be
 * taken as none.
 */
export function parseIfMatch(header: string): VersionMatch {
  const text = header.trim();
  if (text === "*") return { any: true };
  const items = text.split(",").map((item) => item.trim());
  if (text.length > MAX_IF_MATCH_LENGTH || items.some((item) => !ENTITY_TAG.test(item))) {
    throw invalidArgument(
      "POLICY-1fM4t",
      "Errors.LoginPolicy.InvalidIfMatch",
      'if-match must be "*" or a comma-separated list of entity tags such as "d42", as the etag header of a read gives them',
    );
  }
  const versions = items.filter((item) => !item.startsWith("W/")).map((item) => item.replace(/^"|"$/g, ""));
  return { any: false, versions };
}

/** A strong or weak entity tag, or a bare version: printable ASCII without quotes, commas or spaces. */
const ENTITY_TAG = /^(?:(?:W\/)?"[\x21\x23-\x7e]*"|[\x21\x23-\x2b\x2d-\x7e]+)$/;
