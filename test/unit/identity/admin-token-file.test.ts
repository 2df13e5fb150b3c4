import { afterAll, describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeTempDirs, tempDir } from "../../../harness/temp-dir.js";
import { AdminTokenFileExists, writeAdminToken } from "../../../src/identity/admin-token-file.js";

afterAll(removeTempDirs);

describe("the admin token file", () => {
  it("is written whole, readable by its owner only, with no temporary file left", () => {
    const dir = tempDir();
    const path = join(dir, "data", "admin.pat");
    writeAdminToken(path, "lps_secret");
    expect(readFileSync(path, "utf8")).toBe("lps_secret\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "data"))).toEqual(["admin.pat"]);
  });

  it("is never written into a file that exists, whoever made it", () => {
    const dir = tempDir();
    const path = join(dir, "admin.pat");
    writeFileSync(path, "", { mode: 0o644 }); // pre-created by someone else, readable by all
    expect(() => writeAdminToken(path, "lps_secret")).toThrow(AdminTokenFileExists);
    expect(readFileSync(path, "utf8")).toBe("");
    expect(readdirSync(dir)).toEqual(["admin.pat"]);
  });
});
