import { describe, expect, it } from "@jest/globals";
import { changedSettings, DEFAULT_SETTINGS, validateSettings } from "../../../src/domain/login-policy.js";
import { DomainError } from "../../../src/errors.js";

function errorOf(fn: () => void): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("validateSettings", () => {
  it("accepts the defaults and absolute http and https redirect URIs", () => {
    expect(() => validateSettings(DEFAULT_SETTINGS)).not.toThrow();
    for (const uri of ["https://app.example.com/after-login", "HTTP://127.0.0.1:3000/cb?x=%20y", ""]) {
      expect(() => validateSettings({ ...DEFAULT_SETTINGS, defaultRedirectUri: uri })).not.toThrow();
    }
  });

  it("refuses relative, oversized, hostless and non-web redirect URIs", () => {
    const refused = [
      "/relative",
      "not a uri",
      `https://x.example/${"a".repeat(2048)}`,
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "myapp://callback",
      "file:///etc/passwd",
      "https:example.com",
      "https://",
      " https://app.example.com",
      "https://app.exa\tmple.com",
      "https://app.example.com/\u00e9",
    ];
    for (const uri of refused) {
      const error = errorOf(() => validateSettings({ ...DEFAULT_SETTINGS, defaultRedirectUri: uri }));
      expect(error).toMatchObject({ code: "InvalidArgument", id: "POLICY-Rd1rk" });
    }
  });

  it("refuses negative, malformed and over-long lifetimes, naming the setting", () => {
    for (const lifetime of [
      { seconds: -1, nanos: 0 },
      { seconds: 0, nanos: -5 },
      { seconds: 1, nanos: 1_000_000_000 },
      { seconds: 315_576_000_001, nanos: 0 },
    ]) {
      const error = errorOf(() => validateSettings({ ...DEFAULT_SETTINGS, mfaInitSkipLifetime: lifetime }));
      expect(error).toMatchObject({ code: "InvalidArgument", id: "POLICY-Lt0vd" });
      expect(error.message).toContain("mfaInitSkipLifetime");
    }
  });
});

describe("changedSettings", () => {
  it("is empty when nothing differs, lifetimes compared by value", () => {
    const copy = { ...DEFAULT_SETTINGS, passwordCheckLifetime: { ...DEFAULT_SETTINGS.passwordCheckLifetime } };
    expect(changedSettings(DEFAULT_SETTINGS, copy)).toEqual({});
  });

  it("lists exactly the settings that differ, with their new values", () => {
    const after = {
      ...DEFAULT_SETTINGS,
      forceMfa: true,
      passwordlessType: "not_allowed" as const,
      secondFactorCheckLifetime: { seconds: 3600, nanos: 5 },
    };
    expect(changedSettings(DEFAULT_SETTINGS, after)).toEqual({
      forceMfa: true,
      passwordlessType: "not_allowed",
      secondFactorCheckLifetime: { seconds: 3600, nanos: 5 },
    });
  });
});
