/**
 * Every error ID is written out where its error is raised, so that an ID from a log or a
 * bug report leads to one line (ZITADEL's convention). This reads the sources as a compiler
 * does and finds every place an error is made: a call of an error factory of src/errors.ts,
 * a `new` of DomainError or one of its kinds, and the [ID, key] pairs of the status mapping's
 * table of framework errors. Each must name its ID as a string literal; no two places may
 * name the same ID, except where ZITADEL itself gives one ID to several failures (kept, so
 * that callers who look for ZITADEL's IDs find them); and the README lists every ID.
 */
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { repositoryPath } from "../../harness/repository.js";

const FACTORIES = new Set(["invalidArgument", "notFound", "alreadyExists", "failedPrecondition", "permissionDenied", "unauthenticated", "unavailable"]);
/** Classes whose constructor takes the ID, and at which argument. */
const CONSTRUCTORS = new Map([
  ["DomainError", 1],
  ["RateLimitExceeded", 0],
  ["PreconditionFailed", 0],
]);

/** IDs ZITADEL gives to more than one failure, and how many places raise each here. */
const SHARED_WITH_ZITADEL = new Map([
  // Add a second factor, add a multi-factor: an unspecified type.
  ["INSTANCE-5m9fs", 2],
  // A multi-factor already there; a second factor not there.
  ["INSTANCE-3M9od", 2],
  // Add a second factor, add a multi-factor, remove a multi-factor: an unspecified type.
  ["Org-5m9fs", 3],
  // A multi-factor already there; a second factor not there.
  ["Org-3M9od", 2],
]);

/**
 * The places that make an error from an ID they are given, not from one of their own: the
 * factories themselves, an unexpected fault's error (a fresh ID per fault, logged with its
 * cause), and the framework's errors (their IDs stand in the table this test reads too).
 */
const PASSED_ON = [
  { file: "src/errors.ts", argument: "id" },
  { file: "src/interceptors/status-mapping.ts", argument: "errorId" },
  { file: "src/interceptors/status-mapping.ts", argument: "id" },
];

interface Raised {
  readonly id?: string;
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function raisedIn(path: string): Raised[] {
  const text = readFileSync(path, "utf8");
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: Raised[] = [];
  const file = relative(repositoryPath("."), path);
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const idOf = (node: ts.Expression | undefined, at: ts.Node) => {
    if (node && PASSED_ON.some((p) => p.file === file && node.getText() === p.argument)) return;
    found.push({ id: node && ts.isStringLiteralLike(node) ? node.text : undefined, where: where(at) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && FACTORIES.has(node.expression.text)) {
      idOf(node.arguments[0], node);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && CONSTRUCTORS.has(node.expression.text)) {
      idOf(node.arguments?.[CONSTRUCTORS.get(node.expression.text)!], node);
    } else if (
      ts.isArrayLiteralExpression(node) &&
      node.elements.length === 2 &&
      node.elements.every((e) => ts.isStringLiteralLike(e)) &&
      (node.elements[1] as ts.StringLiteralLike).text.startsWith("Errors.")
    ) {
      idOf(node.elements[0], node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const raised = sourceFiles(repositoryPath("src")).flatMap(raisedIn);

describe("error IDs", () => {
  it("are found in the sources (the search itself works)", () => {
    expect(raised.map((r) => r.id)).toEqual(expect.arrayContaining(["AUTH-7fs1e", "Org-3M9od", "INSTANCE-5M9vdd"]));
  });

  it("are string literals where their errors are raised", () => {
    expect(raised.filter((r) => r.id === undefined).map((r) => r.where)).toEqual([]);
  });

  it("name one place each, but for the IDs ZITADEL itself shares", () => {
    const places = new Map<string, string[]>();
    for (const { id, where } of raised) places.set(id!, [...(places.get(id!) ?? []), where]);
    const shared = [...places].filter(([, at]) => at.length > 1);
    expect(Object.fromEntries(shared.map(([id, at]) => [id, at.length]))).toEqual(Object.fromEntries(SHARED_WITH_ZITADEL));
  });

  it("are all listed in the README", () => {
    const readme = readFileSync(repositoryPath("README.md"), "utf8");
    const missing = [...new Set(raised.map((r) => r.id!))].filter((id) => !readme.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
