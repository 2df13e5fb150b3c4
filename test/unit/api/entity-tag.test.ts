/** If-Match as RFC 9110 writes it, and what the service makes of what it is sent. */
import { describe, expect, it } from "@jest/globals";
import { entityTag, parseIfMatch } from "../../../src/api/entity-tag.js";
import { DomainError } from "../../../src/errors.js";

describe("entity tags of policy versions", () => {
  it("are the version in quotes", () => {
    expect(entityTag("d42")).toBe('"d42"');
  });

  it("are read from If-Match: one, several, any, weak ones never matching, bare versions as tags", () => {
    expect(parseIfMatch('"d42"')).toEqual({ any: false, versions: ["d42"] });
    expect(parseIfMatch(' "d42" , "c7"')).toEqual({ any: false, versions: ["d42", "c7"] });
    expect(parseIfMatch("*")).toEqual({ any: true });
    expect(parseIfMatch('W/"d42"')).toEqual({ any: false, versions: [] });
    expect(parseIfMatch("d42")).toEqual({ any: false, versions: ["d42"] });
  });

  it.each(['"d42', "", '"d42",', "d 42", '"d"42"', `"${"d".repeat(1100)}"`])("refuse %j as InvalidArgument", (header) => {
    let refusal: unknown;
    try {
      parseIfMatch(header);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: "InvalidArgument", id: "POLICY-1fM4t" });
  });
});
