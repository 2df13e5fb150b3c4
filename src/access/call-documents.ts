/**
 * The documents a call on the policy services reads, named before its first read: the
 * caller's token, their memberships, the organization the call acts on and its login
 * policy, and the instance's default policy (which an organization without its own
 * follows). An engine across a network fetches those it does not hold in the round trip
 * that checks its memory is current (see eventstore/read-scope.ts), so a call costs one.
 *
 * Only a guess made from the headers: the reads themselves decide what the call sees, and a
 * document named here but not read, or read but not named, costs time, never correctness.
 */
import type { WantedDocument } from "../eventstore/read-scope.js";
import { LOGIN_POLICIES } from "../projections/login-policy-projection.js";
import { MEMBERSHIPS } from "../projections/membership-projection.js";
import { ORGS } from "../projections/org-projection.js";
import { TOKENS } from "../projections/token-projection.js";
import { personalAccessTokenKey } from "./authenticator.js";
import { RecentValues } from "./recent-values.js";

export function callDocuments(authorization: string | null, requestedOrgId: string | undefined, instanceId: string): readonly WantedDocument[] {
  // A client calls with the same token (and organization) again and again: the list made
  // for them last time is the list this time.
  const key = `${requestedOrgId ?? ""} ${instanceId} ${authorization ?? ""}`;
  return recentLists.of(key, () => Object.freeze(documentsNamed(authorization, requestedOrgId, instanceId)));
}

const recentLists = new RecentValues<readonly WantedDocument[]>(1024);

function documentsNamed(authorization: string | null, requestedOrgId: string | undefined, instanceId: string): WantedDocument[] {
  const wanted: WantedDocument[] = [{ projection: LOGIN_POLICIES, key: instanceId }];
  const tokenKey = personalAccessTokenKey(authorization);
  const token = tokenKey === undefined ? undefined : { projection: TOKENS, key: tokenKey };
  if (token) wanted.push(token, { projection: MEMBERSHIPS, keyFrom: { ...token, field: "userId" } });
  // The organization the call acts on: the one it names, else the caller's own.
  for (const projection of [ORGS, LOGIN_POLICIES]) {
    if (requestedOrgId) wanted.push({ projection, key: requestedOrgId });
    else if (token) wanted.push({ projection, keyFrom: { ...token, field: "orgId" } });
  }
  return wanted;
}
