/**
 * Finds the route for a request: the first route, in the order the proto declares them,
 * whose method and template match. A path that some route matches with another method
 * answers which methods it allows.
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
      for (const route of routes) {
        const variables = route.template.match(path);
        if (!variables) continue;
        if (route.method === method) return { route, variables };
        allowed.add(route.method);
      }
      return allowed.size > 0 ? { allowed: [...allowed] } : undefined;
    },
  };
}
