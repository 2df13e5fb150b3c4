/**
 * The headers of safe policy changes, the same on every protocol (REST, gRPC, gRPC-Web,
 * Connect): they are this service's own, not ZITADEL's, and a client that sends none of them
 * sees ZITADEL's behaviour.
 */

/** A policy's version as a strong entity tag, on every read and write of it and on a failed precondition. */
export const ENTITY_TAG_HEADER = "etag";

/** A write's precondition: the entity tag of the version the caller read. */
export const IF_MATCH_HEADER = "if-match";

/** "true": run every check and answer as the write would, but write nothing. */
export const DRY_RUN_HEADER = "x-lps-dry-run";

/** On a change (or dry run) of the instance's default: how many organizations follow it. */
export const AFFECTED_ORGANIZATIONS_HEADER = "x-lps-affected-organizations";
