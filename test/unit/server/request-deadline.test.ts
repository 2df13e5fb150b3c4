import { describe, expect, it } from "@jest/globals";
import { capDeadline, parseConnectTimeout, parseGrpcTimeout } from "../../../src/server/request-deadline.js";

describe("request deadlines", () => {
  it("reads grpc-timeout in each unit, and nothing malformed", () => {
    expect(parseGrpcTimeout("600H")).toBe(2_160_000_000);
    expect(parseGrpcTimeout("2M")).toBe(120_000);
    expect(parseGrpcTimeout("3S")).toBe(3000);
    expect(parseGrpcTimeout("15m")).toBe(15);
    expect(parseGrpcTimeout("2000u")).toBe(2);
    expect(parseGrpcTimeout("1000000n")).toBe(1);
    for (const bad of ["", "1", "H", "123456789S", "-1S", "1.5S", "1X", " 1S"]) expect(parseGrpcTimeout(bad)).toBeUndefined();
  });

  it("reads connect-timeout-ms of up to ten digits", () => {
    expect(parseConnectTimeout("9999999999")).toBe(9_999_999_999);
    for (const bad of ["", "abc", "12345678901", "-5", "1e3"]) expect(parseConnectTimeout(bad)).toBeUndefined();
  });

  it("shortens a deadline over the cap to the cap, and leaves shorter and malformed ones alone", () => {
    const header = new Headers({ "grpc-timeout": "600H", "connect-timeout-ms": "9999999999" });
    capDeadline(header, 300_000);
    expect(header.get("grpc-timeout")).toBe("300000m");
    expect(header.get("connect-timeout-ms")).toBe("300000");

    const within = new Headers({ "grpc-timeout": "10S", "connect-timeout-ms": "abc" });
    capDeadline(within, 300_000);
    expect(within.get("grpc-timeout")).toBe("10S");
    expect(within.get("connect-timeout-ms")).toBe("abc");
  });
});
