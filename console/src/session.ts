/**
 * What the console remembers. The token lives in session storage only: it is gone when the
 * tab closes, and no other tab or later visit sees it. The protocol and the organizations
 * typed in are no secrets, but they stay with the session too.
 */
import type { Protocol } from "./api-clients.js";

const TOKEN = "lps.console.token";
const PROTOCOL = "lps.console.protocol";
const ORGS = "lps.console.orgs";

export const session = {
  token(): string | undefined {
    return sessionStorage.getItem(TOKEN) ?? undefined;
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN, token);
  },
  /** Forgets the token and the organizations that went with it. */
  signOut(): void {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(ORGS);
  },
  protocol(): Protocol {
    return sessionStorage.getItem(PROTOCOL) === "grpc-web" ? "grpc-web" : "connect";
  },
  setProtocol(protocol: Protocol): void {
    sessionStorage.setItem(PROTOCOL, protocol);
  },
  orgIds(): string[] {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(ORGS) ?? "[]");
      return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : [];
    } catch {
      return [];
    }
  },
  setOrgIds(ids: readonly string[]): void {
    sessionStorage.setItem(ORGS, JSON.stringify(ids));
  },
};
