/**
 * Who is calling: `authorization: Bearer <token>` with a personal access token (one key
 * lookup of its hash) or, when an issuer is configured, a JWT access token.
 */
import { hashToken } from "../identity/personal-access-token.js";
import type { JwtVerifier } from "../identity/jwt-verifier.js";
import type { ReadScope } from "../eventstore/read-scope.js";
import type { EventStore } from "../eventstore/store.js";
import { TOKENS, type TokenDocument } from "../projections/token-projection.js";
import { USERS, type UserDocument } from "../projections/user-projection.js";
import { tokenInvalid } from "../identity/token-errors.js";
import { tokenMissing } from "./access-errors.js";
import type { Caller } from "./caller.js";
import { RecentValues } from "./recent-values.js";

/** A header longer than this is not a token of ours or of any sane issuer. */
const MAX_TOKEN_LENGTH = 16 * 1024;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** The claim by which ZITADEL-issued tokens name their user's organization. */
const RESOURCE_OWNER_CLAIM = "urn:zitadel:iam:user:resourceowner:id";

export class Authenticator {
  constructor(
    private readonly store: EventStore,
    private readonly jwt: JwtVerifier | undefined,
  ) {}

  /** `scope`: the call's reads, when a call authenticates (see read-scope.ts). */
  async authenticate(authorization: string | null, scope?: ReadScope): Promise<Caller> {
    if (!authorization) throw tokenMissing();
    const token = bearerToken(authorization);
    if (!token) throw tokenInvalid("expected authorization: Bearer <token>");
    return JWT_SHAPE.test(token) ? this.fromJwt(token, scope) : this.fromPersonalAccessToken(token, scope);
  }

  private async fromPersonalAccessToken(token: string, scope: ReadScope | undefined): Promise<Caller> {
    const found = await this.store.document<TokenDocument>(TOKENS, tokenKey(token), scope);
    if (!found) throw tokenInvalid("the token is unknown or revoked");
    if (found.expiresAt && Date.parse(found.expiresAt) <= Date.now()) throw tokenInvalid("the token has expired");
    return { userId: found.userId, orgId: found.orgId };
  }

  private async fromJwt(token: string, scope: ReadScope | undefined): Promise<Caller> {
    if (!this.jwt) throw tokenInvalid("JWT access tokens are not accepted: no issuer is configured");
    const claims = await this.jwt.verify(token);
    const user = await this.store.document<UserDocument>(USERS, claims.sub, scope);
    const claimedOrg = claims[RESOURCE_OWNER_CLAIM];
    return { userId: claims.sub, orgId: user?.orgId ?? (typeof claimedOrg === "string" ? claimedOrg : undefined) };
  }
}

/** The token of `authorization: Bearer <token>`, or undefined for a header of another shape. */
function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  return match && match[1]!.length <= MAX_TOKEN_LENGTH ? match[1] : undefined;
}

/** The key of the token document a header's personal access token is looked up by, if it carries one. */
export function personalAccessTokenKey(authorization: string | null): string | undefined {
  const token = authorization ? bearerToken(authorization) : undefined;
  return token && !JWT_SHAPE.test(token) ? tokenKey(token) : undefined;
}

/**
 * The keys of the tokens that called lately. A call needs its token's key twice (to name
 * the documents it reads, then to authenticate), and a client calls with the same token
 * again and again: a SHA-256 each time was a noticeable part of a read's cost. Only keys
 * are derived here; whether the token is valid is decided by its document on every call.
 */
const recentKeys = new RecentValues<string>(1024);

function tokenKey(token: string): string {
  return recentKeys.of(token, () => hashToken(token));
}
