/**
 * The path templates of google.api.http rules, compiled once into a matcher:
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     Verb     = ":" LITERAL ;
 *
 * A variable without "=" matches one segment. Paths are matched as they arrive, still
 * percent-encoded, so that an encoded "/" stays inside its segment; decoding the values is
 * the caller's business.
 */

export interface PathTemplate {
  /** The template as written, e.g. "/admin/v1/policies/login/second_factors/{type}". */
  readonly text: string;
  /** The field paths the variables bind, in order of appearance. */
  readonly variables: readonly string[];
  /** The variables' raw values if the path matches, by field path. */
  match(path: string): Map<string, string> | undefined;
  /** The template in OpenAPI's notation: variables as "{field.path}", no wildcards outside them. */
  openApiPath(): string;
}

const ONE_SEGMENT = "[^/]+";
const ANY_SEGMENTS = "(?:[^/]+(?:/[^/]+)*)?";
const LITERAL = /[^/{}=:*]+/y;
const FIELD_PATH = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;

export function parsePathTemplate(text: string): PathTemplate {
  let pos = 0;
  const variables: string[] = [];
  let bareWildcard = false;

  const fail = (problem: string): never => {
    throw new Error(`path template "${text}": ${problem} at offset ${pos}`);
  };
  const take = (pattern: RegExp, what: string): string => {
    pattern.lastIndex = pos;
    const found = pattern.exec(text)?.[0] ?? fail(`expected ${what}`);
    pos += found.length;
    return found;
  };
  const expect = (char: string) => (text[pos] === char ? pos++ : fail(`expected "${char}"`));

  // Each returns the regular expression for what it parsed.
  const segments = (inVariable: boolean): string => {
    const parts = [segment(inVariable)];
    while (text[pos] === "/") {
      pos++;
      parts.push(segment(inVariable));
    }
    return parts.join("/");
  };
  const segment = (inVariable: boolean): string => {
    if (text.startsWith("**", pos)) return wildcard(2, ANY_SEGMENTS, inVariable);
    if (text[pos] === "*") return wildcard(1, ONE_SEGMENT, inVariable);
    if (text[pos] === "{") return inVariable ? fail("variables do not nest") : variable();
    return escapeRegExp(take(LITERAL, "a literal segment"));
  };
  const wildcard = (length: number, pattern: string, inVariable: boolean): string => {
    pos += length;
    if (!inVariable) bareWildcard = true;
    return pattern;
  };
  const variable = (): string => {
    expect("{");
    const fieldPath = take(FIELD_PATH, "a field path");
    let pattern = ONE_SEGMENT;
    if (text[pos] === "=") {
      pos++;
      pattern = segments(true);
    }
    expect("}");
    if (variables.includes(fieldPath)) fail(`"${fieldPath}" is bound twice`);
    variables.push(fieldPath);
    return `(${pattern})`;
  };

  expect("/");
  let source = `/${segments(false)}`;
  if (text[pos] === ":") {
    pos++;
    source += `:${escapeRegExp(take(LITERAL, "a verb"))}`;
  }
  if (pos !== text.length) fail("unexpected character");
  const regExp = new RegExp(`^${source}$`);

  return {
    text,
    variables,
    match(path) {
      const found = regExp.exec(path);
      if (!found) return undefined;
      return new Map(variables.map((fieldPath, i) => [fieldPath, found[i + 1]!]));
    },
    openApiPath() {
      if (bareWildcard) throw new Error(`path template "${text}" has a wildcard outside a variable, which OpenAPI cannot express`);
      return text.replace(/\{([^}=]+)(=[^}]*)?\}/g, "{$1}");
    },
  };
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
