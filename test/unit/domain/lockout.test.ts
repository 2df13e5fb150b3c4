/** The lockout rules, one case each way: a policy its users cannot sign in with, and the nearest one they can. */
import { describe, expect, it } from "@jest/globals";
import { lockoutAfter, type JudgedPolicy } from "../../../src/domain/lockout.js";
import { DEFAULT_FACTORS, DEFAULT_SETTINGS, type LoginPolicyFactors, type LoginPolicySettings } from "../../../src/domain/login-policy.js";

const NONE: LoginPolicyFactors = { second: [], multi: [] };
const policy = (settings: Partial<LoginPolicySettings>, factors: LoginPolicyFactors = DEFAULT_FACTORS): JudgedPolicy => ({
  settings: { ...DEFAULT_SETTINGS, ...settings },
  factors,
});

describe("lockoutAfter", () => {
  it("finds none in the default policy a new instance starts with", () => {
    expect(lockoutAfter(undefined, policy({}))).toBeUndefined();
  });

  it("refuses forced MFA without a factor, whichever way MFA is forced; a factor makes it safe", () => {
    expect(lockoutAfter(policy({}, NONE), policy({ forceMfa: true }, NONE))).toBe("mfaForcedWithoutFactor");
    expect(lockoutAfter(undefined, policy({ forceMfaLocalOnly: true }, NONE))).toBe("mfaForcedWithoutFactor");
    expect(lockoutAfter(undefined, policy({ forceMfa: true }, { second: ["otp"], multi: [] }))).toBeUndefined();
    expect(lockoutAfter(undefined, policy({ forceMfa: true }, { second: [], multi: ["u2f_with_verification"] }))).toBeUndefined();
  });

  it("names removing the last factor while MFA is forced as its own rule", () => {
    const forced = policy({ forceMfa: true }, { second: ["otp"], multi: [] });
    expect(lockoutAfter(forced, policy({ forceMfa: true }, NONE))).toBe("lastFactorRemovedWhileForced");
    expect(lockoutAfter(policy({}, { second: ["otp"], multi: [] }), policy({}, NONE))).toBeUndefined();
  });

  it("refuses a policy with no way to sign in; passwordless counts only with the passkey multi-factor", () => {
    const closed = { allowUsernamePassword: false, allowExternalIdp: false };
    expect(lockoutAfter(undefined, policy({ ...closed, passwordlessType: "not_allowed" }))).toBe("noWayToSignIn");
    expect(lockoutAfter(undefined, policy({ ...closed, passwordlessType: "allowed" }, { second: ["otp"], multi: [] }))).toBe("noWayToSignIn");
    expect(lockoutAfter(undefined, policy({ ...closed, passwordlessType: "allowed" }))).toBeUndefined();
    expect(lockoutAfter(undefined, policy({ ...closed, allowExternalIdp: true }, NONE))).toBeUndefined();
  });

  it("lets the passkey go while username and password still work, as ZITADEL does", () => {
    expect(lockoutAfter(policy({}), policy({}, { second: ["otp"], multi: [] }))).toBeUndefined();
  });
});
