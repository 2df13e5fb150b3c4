/** What the gateway answers when a request names no route, or a route with another method. */
import { DomainError, notFound } from "../../errors.js";

export function routeNotFound(method: string, path: string): DomainError {
  return notFound("REST-N0rt3", "Errors.Route.NotFound", `nothing is served at ${method} ${path}`);
}

/** Unimplemented, as ZITADEL's gateway answers it (with HTTP 405 and the methods allowed). */
export function methodNotAllowed(method: string, allowed: readonly string[]): DomainError {
  const explanation = `${method} is not allowed here; use ${allowed.join(" or ")}`;
  return new DomainError("Unimplemented", "REST-M3th0", "Errors.Route.MethodNotAllowed", explanation);
}
