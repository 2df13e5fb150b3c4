/**
 * Finds the route for a request: the first route, in the order the proto declares them,
 * whose method and template match. HEAD is served wherever GET is (RFC 9110, 9.3.2). A
 * path that some route matches with another method answers which methods it allows.
 */
import type { RestRoute } from "./rest-routes.js";

export type RouteMatch =
  | { readonly route: RestRoute; readonly variables: ReadonlyMap<string, string> }
  | { readonly route?: undefined; readonly allowed: readonly string[] };

export interface RouteTable {
  /** The match for a method and a raw (percent-encoded) path; undefined if no route has the path. */
  match(method: string, path: string): RouteMatch | undefined;
}

export function routeTable(routes: readonly RestRoute[]): RouteTable {
  return {
    match(method, path) {
      const allowed = new Set<string>();
      const wanted = method === "HEAD" ? "GET" : method;
      for (const route of routes) {
        const variables = route.template.match(path);
        if (!variables) continue;
        if (route.method === wanted) return { route, variables };
        allowed.add(route.method);
        if (route.method === "GET") allowed.add("HEAD");
      }
      return allowed.size > 0 ? { allowed: [...allowed] } : undefined;
    },
  };
}
