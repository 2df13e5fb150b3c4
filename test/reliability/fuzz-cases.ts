/**
 * What the fuzz suite throws at the server: random and mutated requests for every door, as
 * fast-check arbitraries. Each case says what it is (its door, protocol, credentials, and
 * whether its body is well-formed), so that the verdict can tell which answers are right.
 */
import { create, toBinary, toJsonString, ScalarType, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";

/** The credentials a case sends. The admin's token is sent only to methods that read. */
export type Credentials = "admin" | "viewer" | "none" | "garbage" | "two" | "jwt-shaped";

export type Protocol = "grpc" | "grpc-web" | "connect-proto" | "connect-json" | "connect-stream";

export interface RpcCase {
  readonly door: "rpc";
  readonly protocol: Protocol;
  /** HTTP/2 (h2c) or HTTP/1.1; gRPC is HTTP/2 only, gRPC-Web HTTP/1.1 only. */
  readonly http2: boolean;
  readonly method: string;
  readonly path: string;
  /** The path names a method the server serves. */
  readonly known: boolean;
  readonly reads: boolean;
  readonly credentials: Credentials;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  /** The body is the method's message, honestly framed and encoded. */
  readonly wellFormed: boolean;
}

export interface RestCase {
  readonly door: "rest";
  readonly http2: boolean;
  readonly method: string;
  readonly path: string;
  readonly reads: boolean;
  readonly credentials: Credentials;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export type FuzzCase = RpcCase | RestCase;

const POLICY_METHODS: DescMethod[] = [...AdminService.methods, ...ManagementService.methods];
const METHODS: DescMethod[] = [...POLICY_METHODS, Health.method.check];

function pathOf(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

function reads(method: DescMethod): boolean {
  return /^(Get|List|Check)/.test(method.name);
}

/** Any value a field could hold, and some it should not (enum numbers out of range, odd strings). */
function fieldValue(field: DescMessage["fields"][number]): fc.Arbitrary<unknown> {
  const one = (): fc.Arbitrary<unknown> => {
    switch (field.fieldKind) {
      case "enum":
      case "list":
        if (field.fieldKind === "list" && field.listKind === "message") return fc.constant(undefined);
        if (field.enum) return fc.oneof(fc.constantFrom(...field.enum.values.map((v) => v.number)), fc.integer({ min: -2, max: 9 }));
        return fc.constant(undefined);
      case "scalar":
        switch (field.scalar) {
          case ScalarType.BOOL:
            return fc.boolean();
          case ScalarType.STRING:
            return fc.oneof(
              fc.constantFrom("https://app.example.com/after-login", "javascript:alert(1)", "data:,x", ""),
              fc.string({ unit: "binary", maxLength: 40 }),
              fc.webUrl(),
            );
          default:
            return fc.integer();
        }
      case "message":
        // Durations (the lifetimes): sometimes valid, sometimes not.
        return fc.record({ seconds: fc.bigInt({ min: -5n, max: 400_000_000_000n }), nanos: fc.integer({ min: -2, max: 1_000_000_001 }) });
      default:
        return fc.constant(undefined);
    }
  };
  if (field.fieldKind === "list") return field.listKind === "message" ? fc.constant([]) : fc.array(one(), { maxLength: 4 });
  return one();
}

function messageInit(desc: DescMessage): fc.Arbitrary<Record<string, unknown>> {
  const entries = desc.fields.map((field) => [field.localName, fieldValue(field)] as const);
  return fc.record(Object.fromEntries(entries), { requiredKeys: [] });
}

/** Bytes changed at random: bytes flipped, cut, inserted, appended. */
function mutated(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constant(bytes),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
      const copy = Uint8Array.from(bytes);
      if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    }),
    fc.nat().map((at) => bytes.subarray(0, bytes.length === 0 ? 0 : at % bytes.length)),
    fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 8 })).map(([at, extra]) => {
      const cut = bytes.length === 0 ? 0 : at % bytes.length;
      return Buffer.concat([bytes.subarray(0, cut), extra, bytes.subarray(cut)]);
    }),
    fc.uint8Array({ maxLength: 64 }),
  );
}

/** Not UTF-8: a lone continuation byte, a byte UTF-8 never uses, an encoded surrogate, a cut sequence. */
const NOT_UTF8 = fc.constantFrom([0x80], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]).map((bytes) => Uint8Array.from(bytes));

function withInvalidUtf8(text: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(), NOT_UTF8).map(([at, bad]) => {
    const cut = text.length === 0 ? 0 : at % text.length;
    return Buffer.concat([text.subarray(0, cut), bad, text.subarray(cut)]);
  });
}

function envelope(flags: number, payload: Uint8Array, declaredLength = payload.length): Uint8Array {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(flags, 0);
  prefix.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([prefix, payload]);
}

/** An envelope that may lie: its flags, its length, or say gzip and carry something else. */
function framed(payload: Uint8Array): fc.Arbitrary<{ body: Uint8Array; honest: boolean; encoding?: string }> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ body: envelope(0, payload), honest: true }) },
    fc.integer({ min: 0, max: 255 }).map((flags) => ({ body: envelope(flags, payload), honest: flags === 0 })),
    fc.oneof(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: payload.length + 8 })).map((length) => ({
      body: envelope(0, payload, length),
      honest: length === payload.length,
    })),
    fc.constant({ body: envelope(1, gzipSync(payload)), honest: true, encoding: "gzip" }),
    fc.nat().map((cut) => {
      const zipped = gzipSync(payload);
      return { body: envelope(1, zipped.subarray(0, cut % zipped.length)), honest: false, encoding: "gzip" };
    }),
    fc.constantFrom("identity", "br", "snappy").map((encoding) => ({ body: envelope(1, payload), honest: false, encoding })),
    fc.constant({ body: Buffer.concat([envelope(0, payload), envelope(0, payload)]), honest: false }),
  );
}

const CREDENTIALS = fc.constantFrom<Credentials>("admin", "viewer", "none", "garbage", "two", "jwt-shaped");

const EXTRA_HEADERS = fc.record(
  {
    "x-zitadel-orgid": fc.oneof(fc.constantFrom("", "0", "385623593385963520", " "), fc.string({ maxLength: 24 })),
    "grpc-timeout": fc.oneof(fc.constantFrom("600H", "99999999H", "1X", "0m", "5S"), fc.string({ maxLength: 10 })),
    "connect-timeout-ms": fc.oneof(fc.constantFrom("9999999999", "0", "-1", "abc"), fc.string({ maxLength: 12 })),
    "content-encoding": fc.constantFrom("gzip", "br", "identity", "compress"),
  },
  { requiredKeys: [] },
);

/** Header values a client can send at all: visible ASCII and spaces, no line breaks. */
function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace(/[^\x20-\x7e]/g, "").trim()]));
}

function rpcCase(): fc.Arbitrary<RpcCase> {
  const protocol = fc.constantFrom<Protocol>("grpc", "grpc-web", "connect-proto", "connect-json", "connect-stream");
  const method = fc.constantFrom(...METHODS);
  return fc
    .tuple(protocol, method, fc.boolean(), CREDENTIALS, EXTRA_HEADERS, fc.nat({ max: 9 }))
    .chain(([protocol, method, http2, credentials, extra, pathRoll]) => {
      const json = protocol === "connect-json";
      const serialize = (init: Record<string, unknown>): Uint8Array => {
        try {
          const message = create(method.input, init as never);
          return json ? Buffer.from(toJsonString(method.input, message)) : toBinary(method.input, message);
        } catch {
          // A value the encoding cannot carry (a Duration out of range, in JSON): the empty message.
          return json ? Buffer.from("{}") : new Uint8Array();
        }
      };
      const payload = messageInit(method.input).chain((init) => {
        const valid = serialize(init);
        return fc.oneof(
          { weight: 3, arbitrary: fc.constant({ bytes: valid, wellFormed: true }) },
          mutated(valid).map((bytes) => ({ bytes, wellFormed: false })),
          ...(json ? [withInvalidUtf8(valid).map((bytes) => ({ bytes, wellFormed: false })), fc.json().map((text) => ({ bytes: Buffer.from(text), wellFormed: false }))] : []),
        );
      });
      const enveloped = protocol === "grpc" || protocol === "grpc-web" || protocol === "connect-stream";
      const body = payload.chain(({ bytes, wellFormed }) =>
        enveloped
          ? framed(bytes).map((f) => ({ body: f.body, wellFormed: wellFormed && f.honest && !f.encoding, encoding: f.encoding }))
          : fc.constant({ body: bytes, wellFormed, encoding: undefined as string | undefined }),
      );
      const path = pathRoll === 0 ? fc.constantFrom(`${pathOf(method)}x`, `/${method.parent.typeName}/`, `${pathOf(method).toLowerCase()}`) : fc.constant(pathOf(method));
      return fc.tuple(body, path).map(([b, p]): RpcCase => {
        const headers: Record<string, string> = sendable(extra);
        if (b.encoding) headers[protocol === "connect-stream" ? "connect-content-encoding" : "grpc-encoding"] = b.encoding;
        const known = p === pathOf(method);
        return {
          door: "rpc",
          protocol,
          http2: protocol === "grpc" ? true : protocol === "grpc-web" ? false : http2,
          method: "POST",
          path: p,
          known,
          reads: reads(method),
          credentials: credentials === "admin" && !reads(method) ? "viewer" : credentials,
          headers,
          body: b.body,
          // Headers that change how the body reads make it something else than the message.
          wellFormed: b.wellFormed && !("content-encoding" in headers),
        };
      });
    });
}

const REST_PATHS = [
  "/admin/v1/policies/login",
  "/admin/v1/policies/login/second_factors",
  "/admin/v1/policies/login/second_factors/_search",
  "/admin/v1/policies/login/multi_factors/_search",
  "/management/v1/policies/login",
  "/management/v1/policies/default/login",
  "/management/v1/policies/login/auth_factors/_search",
  "/management/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP",
  "/management/v1/policies/login/multi_factors/1",
  "/openapi.json",
  "/healthz",
  "/ready",
];

/** Characters for path segments and queries, percent-escapes (valid, malformed, not UTF-8) included. */
const TARGET_TEXT = fc
  .array(fc.oneof(fc.constantFrom("%", "%2F", "%FF", "%C3%A9", "%zz", "/", "//", "..", "?", "&", "=", "+", "#", "[", "]", ":", "@", "%00"), fc.string({ maxLength: 6 })), { maxLength: 6 })
  .map((parts) => parts.join(""));

function restCase(): fc.Arbitrary<RestCase> {
  const path = fc.oneof(
    fc.constantFrom(...REST_PATHS),
    fc.tuple(fc.constantFrom(...REST_PATHS), TARGET_TEXT).map(([path, tail]) => path + tail),
    fc.tuple(fc.constantFrom(...REST_PATHS), TARGET_TEXT).map(([path, query]) => `${path}?${query}`),
    TARGET_TEXT.map((text) => `/${text}`),
  );
  const body = fc.oneof(
    fc.constant(new Uint8Array()),
    fc.json().map((text) => Buffer.from(text)),
    fc.constantFrom('{"type":"SECOND_FACTOR_TYPE_OTP_SMS"}', '{"defaultRedirectUri":"javascript:alert(1)"}', '{"idps":[{"idpId":"x"}]}').map((t) => Buffer.from(t)),
    fc.json().chain((text) => withInvalidUtf8(Buffer.from(text))),
    fc.uint8Array({ maxLength: 64 }),
  );
  return fc
    .record({
      method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
      path,
      http2: fc.boolean(),
      credentials: CREDENTIALS,
      extra: EXTRA_HEADERS,
      body,
    })
    .map(({ method, path, http2, credentials, extra, body }): RestCase => {
      const readsOnly = method === "GET" || method === "HEAD" || path.includes("_search");
      return {
        door: "rest",
        http2,
        method,
        // Whatever a client library refuses to send is sent percent-encoded.
        path: path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)),
        reads: readsOnly,
        credentials: credentials === "admin" && !readsOnly ? "viewer" : credentials,
        headers: { ...sendable(extra), "content-type": "application/json" },
        body: method === "GET" || method === "HEAD" ? new Uint8Array() : body,
      };
    });
}

export function fuzzCase(): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 3, arbitrary: rpcCase() }, { weight: 2, arbitrary: restCase() });
}

export const CONTENT_TYPES: Record<Protocol, string> = {
  grpc: "application/grpc",
  "grpc-web": "application/grpc-web+proto",
  "connect-proto": "application/proto",
  "connect-json": "application/json",
  "connect-stream": "application/connect+proto",
};

export { POLICY_METHODS };
