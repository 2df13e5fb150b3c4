/**
 * The console in a real browser (headless Chromium) against the real server: signing in,
 * choosing the default or an organization, switching factors and seeing it over the API,
 * editing settings, adding and dropping a custom policy, errors with their IDs, a viewer's
 * refused controls, changes made by others shown on refresh, over Connect and gRPC-Web, at
 * desktop and phone width, with axe-core's accessibility rules, and nothing fetched from
 * anywhere but the service. The main screens are saved as screenshots, to
 * LPS_SCREENSHOT_DIR (console/screenshots holds the ones the README shows) or dist/.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { policyClients, type PolicyClients } from "../../../harness/connect-clients.js";
import { repositoryPath } from "../../../harness/repository.js";
import { removeTempDirs } from "../../../harness/temp-dir.js";
import { LoginPolicySchema, MultiFactorType, SecondFactorType } from "../../../gen/zitadel/policy/v1/login_policy_pb.js";
import { Principals } from "../../support/principals.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";
import { chromiumSkipReason, launchChromium } from "./chromium.js";

const SCREENSHOTS = process.env.LPS_SCREENSHOT_DIR ?? repositoryPath("dist", "console-screenshots");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const DESKTOP = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };

const describeBrowser = chromiumSkipReason ? describe.skip : describe; // skipped only where no Chromium can be launched (chromium.ts says why); the reason is in the name too
const title = chromiumSkipReason ? `the console in Chromium (skipped: ${chromiumSkipReason})` : "the console in Chromium";

describeBrowser(title, () => {
  let server: TestServer;
  let principals: Principals;
  let browser: BrowserContext;
  let page: Page;
  /** Whatever the page logged as an error, and every URL it asked for. */
  let pageErrors: string[];
  let requested: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer();
    principals = new Principals(server);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    removeTempDirs();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await page.setViewportSize(DESKTOP);
    pageErrors = [];
    requested = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    page.on("request", (request) => requested.push(request.url()));
    page.on("dialog", (dialog) => void dialog.accept());
  });

  afterEach(async () => {
    await page.close();
    // Refused calls are logged by Chromium as failed resources; anything else is a fault of the page.
    expect(pageErrors.filter((text) => !/Failed to load resource: the server responded with a status of (4\d\d)/.test(text))).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith("data:"))).toEqual([]);
  });

  const admin = (token = server.adminToken, headers: Record<string, string> = {}): PolicyClients =>
    policyClients("connect-json", server.url, { authorization: `Bearer ${token}`, ...headers });

  async function signIn(token: string): Promise<void> {
    await page.goto(`${server.url}/console/`);
    await page.getByLabel("Access token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Login policies" }).waitFor();
  }

  /** Waits until the status line says the last action is done. */
  async function done(text: string): Promise<void> {
    await page.getByRole("status").filter({ hasText: text }).waitFor();
  }

  async function checked(name: string): Promise<boolean> {
    return page.getByRole("checkbox", { name, exact: true }).isChecked();
  }

  async function screenshot(name: string): Promise<void> {
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  /**
   * axe-core's rules, run in the page (evaluated by the driver, so the page's CSP stays as it
   * is). Code for the page is written as strings: this file is compiled without the DOM's types.
   */
  async function seriousViolations(): Promise<string[]> {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate<{ id: string; impact: string; nodes: unknown[] }[]>("axe.run().then((result) => result.violations)");
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
  }

  async function orgPrincipal(roles: string[]) {
    const orgId = await principals.org();
    return principals.machineUser(orgId, { orgs: { [orgId]: roles } });
  }

  it("signs in with a pasted token, keeps it in session storage only, and shows the default policy with every field", async () => {
    await page.goto(`${server.url}/console/`);
    expect(await seriousViolations()).toEqual([]);
    await screenshot("sign-in");
    await signIn(server.adminToken);
    await page.getByRole("heading", { name: "Default policy of the instance" }).waitFor();
    const { policy } = await admin().admin.getLoginPolicy({});
    expect(await page.locator("#policy-version").textContent()).toBe(String(policy!.details!.sequence));
    expect(await page.locator("#policy-changed").textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // Every field of the policy is listed, the four of its details as four rows.
    const rows = await page.locator("table.effective tbody tr th").allTextContents();
    expect(rows).toEqual(expect.arrayContaining(["Version (sequence)", "Changed", "Require a second factor", "Passwordless sign-in (passkeys)", "Second factors", "Identity providers"]));
    expect(rows).toHaveLength(LoginPolicySchema.fields.length - 1 + 4);
    expect(await checked("Authenticator app (TOTP)")).toBe(true);
    expect(await checked("Passkey or FIDO2 key with user verification")).toBe(true);
    const abilities = await page.locator("table.abilities tbody tr").first().locator("td").allTextContents();
    expect(abilities).toEqual(["yes", "yes"]);
    expect(await page.evaluate("[sessionStorage.length, localStorage.length, document.cookie]")).toEqual([expect.any(Number), 0, ""]);
    expect(await seriousViolations()).toEqual([]);
    await screenshot("default-policy");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();
    expect(await page.evaluate('sessionStorage.getItem("lps.console.token")')).toBeNull();
  });

  it("refuses a token the service does not accept, with the server's message and error ID", async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByLabel("Access token").fill("lps_not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.locator(".error-id").textContent()).toBe("AUTH-7fs1e");
    expect(await alert.textContent()).toContain("Unauthenticated");
    expect(await page.evaluate('sessionStorage.getItem("lps.console.token")')).toBeNull();
  });

  it("switches a second factor and a multi-factor, and the API sees it, over Connect and over gRPC-Web", async () => {
    await signIn(server.adminToken);
    for (const [protocol, name] of [["grpc-web", "gRPC-Web"], ["connect", "Connect (JSON)"]]) {
      await page.getByLabel("Protocol").selectOption(protocol!);
      await done(`Calling over ${name}.`);
      await page.getByRole("checkbox", { name: "One-time code by SMS" }).check();
      await done("Factor enabled.");
      expect((await admin().admin.listLoginPolicySecondFactors({})).result).toContain(SecondFactorType.OTP_SMS);
      await page.getByRole("checkbox", { name: "One-time code by SMS" }).uncheck();
      await done("Factor disabled.");
      expect((await admin().admin.listLoginPolicySecondFactors({})).result).not.toContain(SecondFactorType.OTP_SMS);
      await page.getByRole("checkbox", { name: "Passkey or FIDO2 key with user verification" }).uncheck();
      await done("Factor disabled.");
      expect((await admin().admin.listLoginPolicyMultiFactors({})).result).toEqual([]);
      await page.getByRole("checkbox", { name: "Passkey or FIDO2 key with user verification" }).check();
      await done("Factor enabled.");
      expect((await admin().admin.listLoginPolicyMultiFactors({})).result).toEqual([MultiFactorType.U2F_WITH_VERIFICATION]);
    }
    // Both protocols reached the service.
    expect(requested.some((url) => url.endsWith("/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy"))).toBe(true);
    expect(server.logs.some((line) => line.protocol === "grpc-web" && line.rpc === "/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy")).toBe(true);
    expect(server.logs.some((line) => line.protocol === "connect" && line.rpc === "/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy")).toBe(true);
  });

  it("edits the default's settings, and shows the new version", async () => {
    await signIn(server.adminToken);
    const before = Number(await page.locator("#policy-version").textContent());
    await page.getByLabel("Require a second factor", { exact: true }).check();
    await page.getByLabel("Password check lifetime").fill("100h30m");
    await page.getByLabel("Default redirect URI").fill("https://login.example.com/done");
    await page.getByRole("button", { name: "Save settings" }).click();
    await done("Settings saved.");
    const { policy } = await admin().admin.getLoginPolicy({});
    expect(policy!.forceMfa).toBe(true);
    expect(policy!.passwordCheckLifetime?.seconds).toBe(BigInt(100 * 3600 + 30 * 60));
    expect(policy!.defaultRedirectUri).toBe("https://login.example.com/done");
    expect(Number(await page.locator("#policy-version").textContent())).toBeGreaterThan(before);
    // A duration the form cannot read is never sent.
    await page.getByLabel("Password check lifetime").fill("soon");
    await page.getByRole("button", { name: "Save settings" }).click();
    expect(await page.getByLabel("Password check lifetime").evaluate((input) => (input as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(false);
    expect((await admin().admin.getLoginPolicy({})).policy!.details!.sequence).toBe(policy!.details!.sequence);
  });

  it("switches organizations: the caller's own, one opened by ID; adds a custom policy, switches its factors, resets it to the default", async () => {
    const owner = await orgPrincipal(["ORG_OWNER"]);
    const other = await principals.org();
    await principals.grant(owner.userId, { orgs: { [other]: ["ORG_OWNER"] } });
    await signIn(owner.token);
    // An organization owner may not read the default policy through AdminService, and is told why.
    await page.getByRole("heading", { name: "Policy of your organization" }).waitFor();
    const instanceRow = await page.locator("table.abilities tbody tr").first().locator("td").allTextContents();
    expect(instanceRow[0]).toMatch(/^no \(Errors\.Permission\.Denied \(AUTH-5mWD2\)\)$/);
    expect(await page.locator("#policy-source").textContent()).toContain("follows the instance's default policy");
    await page.getByLabel("Organization ID").fill(other);
    await page.getByRole("button", { name: "Open organization" }).click();
    await page.getByRole("heading", { name: `Policy of Organization ${other}` }).waitFor();
    // Factors are the default's until the organization has its own policy.
    expect(await page.getByRole("checkbox", { name: "One-time code by SMS" }).isDisabled()).toBe(true);
    await page.getByLabel("Allow self-registration").uncheck();
    await page.getByRole("button", { name: "Add custom policy" }).click();
    await done("Settings saved.");
    const orgApi = admin(owner.token, { "x-zitadel-orgid": other });
    const custom = await orgApi.management.getLoginPolicy({});
    expect(custom.isDefault).toBe(false);
    expect(custom.policy!.allowRegister).toBe(false);
    expect(await page.locator("#policy-source").textContent()).toBe("this organization's own policy");
    await page.getByRole("checkbox", { name: "One-time code by email" }).check();
    await done("Factor enabled.");
    expect((await orgApi.management.listLoginPolicySecondFactors({})).result).toContain(SecondFactorType.OTP_EMAIL);
    // The caller's own organization is unchanged.
    expect((await admin(owner.token).management.getLoginPolicy({})).isDefault).toBe(true);
    // The list says which organization follows the default, and searches by ID.
    expect(await page.getByRole("button", { name: /Your organization/ }).textContent()).toContain("follows the default");
    expect(await page.getByRole("button", { name: new RegExp(other) }).textContent()).toContain("own policy");
    await page.getByLabel("Search").fill(other.slice(-6));
    expect(await page.locator(".targets li").count()).toBe(1);
    await page.getByLabel("Search").fill("");
    expect(await seriousViolations()).toEqual([]);
    await screenshot("organization");
    await page.getByRole("button", { name: "Reset to default" }).click();
    await done("follows the default policy again");
    expect((await orgApi.management.getLoginPolicy({})).isDefault).toBe(true);
    await page.getByRole("button", { name: /Your organization/ }).click();
    await page.getByRole("heading", { name: "Policy of your organization" }).waitFor();
  });

  it("shows a viewer's refused controls disabled, with the server's reason", async () => {
    const viewer = await orgPrincipal(["ORG_OWNER_VIEWER"]);
    await signIn(viewer.token);
    await page.getByRole("heading", { name: "Policy of your organization" }).waitFor();
    const orgRow = await page.locator("table.abilities tbody tr").nth(1).locator("td").allTextContents();
    expect(orgRow).toEqual(["yes", "no (Errors.Permission.Denied (AUTH-5mWD2))"]);
    const save = page.getByRole("button", { name: "Add custom policy" });
    expect(await save.isDisabled()).toBe(true);
    const reasonId = await save.getAttribute("aria-describedby");
    expect(await page.locator(`#${reasonId}`).textContent()).toContain("You may not change this policy: Errors.Permission.Denied (AUTH-5mWD2)");
    const controls = await page.locator("main").locator("input, select, button[type=submit]").all();
    expect(controls.length).toBeGreaterThan(20);
    for (const control of controls) expect(await control.isDisabled()).toBe(true);
    expect(await seriousViolations()).toEqual([]);
    await screenshot("viewer");
    // Probing cost nothing: the policy was not changed.
    expect((await admin(viewer.token).management.getLoginPolicy({})).isDefault).toBe(true);
  });

  it("shows a write that lost to another's as the server's error with its ID, then the policy as it now is; Refresh shows others' changes", async () => {
    await signIn(server.adminToken);
    await page.getByRole("heading", { name: "Default policy of the instance" }).waitFor();
    expect(await checked("Authenticator app (TOTP)")).toBe(true);
    const before = await page.locator("#policy-version").textContent();
    // Someone else removes TOTP and adds SMS codes; this page still shows the old state.
    await admin().admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP });
    await admin().admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS });
    await page.getByRole("checkbox", { name: "Authenticator app (TOTP)" }).uncheck();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.locator(".error-id").textContent()).toMatch(/^[A-Za-z]+-\w+$/);
    expect(await alert.locator(".failure-message").textContent()).toBe("Errors.IAM.LoginPolicy.MFA.NotExisting");
    expect(await alert.textContent()).toContain("NotFound");
    await screenshot("error");
    // After the failure, the page reads the policy again: both changes of the other writer show.
    await page.locator("#policy-version").filter({ hasNotText: before! }).waitFor();
    expect(await checked("Authenticator app (TOTP)")).toBe(false);
    expect(await checked("One-time code by SMS")).toBe(true);
    // A change made while the page only looks shows on Refresh.
    await admin().admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP });
    await page.getByRole("button", { name: "Refresh" }).click();
    await done("Refreshed.");
    expect(await checked("Authenticator app (TOTP)")).toBe(true);
    expect(await page.getByRole("alert").count()).toBe(0);
    await admin().admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_SMS });
  });

  it("works at phone width: one column, nothing wider than the screen", async () => {
    await page.setViewportSize(PHONE);
    await signIn(server.adminToken);
    await page.getByRole("heading", { name: "Default policy of the instance" }).waitFor();
    const [scrollWidth, clientWidth] = await page.evaluate<number[]>("[document.documentElement.scrollWidth, document.documentElement.clientWidth]");
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const boxes = await Promise.all(["nav.targets", "main", "aside"].map((selector) => page.locator(selector).boundingBox()));
    for (const box of boxes) expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousViolations()).toEqual([]);
    await screenshot("phone");
  });

  it("is usable by keyboard: a factor switched with Tab and Space", async () => {
    await page.goto(`${server.url}/console/`);
    await page.keyboard.type(server.adminToken);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Default policy of the instance" }).waitFor();
    await page.getByRole("checkbox", { name: "One-time code by email" }).focus();
    await page.keyboard.press("Space");
    await done("Factor enabled.");
    expect((await admin().admin.listLoginPolicySecondFactors({})).result).toContain(SecondFactorType.OTP_EMAIL);
    // The focus stays on the control after the page is drawn again.
    expect(await page.evaluate("document.activeElement?.id")).toBe(`factor-second-${SecondFactorType.OTP_EMAIL}`);
    await page.keyboard.press("Space");
    await done("Factor disabled.");
  });
});
