/**
 * Whether an answer is right for the case that drew it. Every answer must be well formed
 * for its door: a gRPC status (trailers, or gRPC-Web's trailer frame), a Connect error body,
 * or the gateway's google.rpc.Status; every error carries exactly one zitadel.v1.ErrorDetail.
 * No answer is Unknown, Internal or DataLoss: those are faults of the server's, and bad
 * input is not. Where the case's class fixes the code, it must be that code.
 */
import { parseConnectTimeout, parseGrpcTimeout } from "../../src/server/request-deadline.js";
import { decodeStatusDetails } from "../support/raw-rpc.js";
import type { FuzzCase, RpcCase } from "./fuzz-cases.js";
import type { Answer } from "./fuzz-wire.js";

/** gRPC codes that only a fault of the server's may produce. */
const FAULTS = new Set([2, 13, 15]);
const OK = 0;
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

/** Connect's codes by name, as its JSON errors spell them. */
const CONNECT_CODES: Record<string, number> = {
  canceled: 1, unknown: 2, invalid_argument: 3, deadline_exceeded: 4, not_found: 5, already_exists: 6,
  permission_denied: 7, resource_exhausted: 8, failed_precondition: 9, aborted: 10, out_of_range: 11,
  unimplemented: 12, internal: 13, unavailable: 14, data_loss: 15, unauthenticated: 16,
};

/** Refusals a protocol makes before any call, with no status of its own (its spec's HTTP codes). */
const BARE_REFUSALS = new Set([405, 415, 505]);

const PROBE_PATHS = new Set(["/healthz", "/ready"]);
const ERROR_DETAIL = "type.googleapis.com/zitadel.v1.ErrorDetail";

/** The outcome as a gRPC code with its number of ErrorDetails, or a problem with the answer's form. */
type Outcome = { code: number; details: number } | { problem: string } | { bare: number };

/** What is wrong with the answer, or undefined if it is right. */
export function verdict(c: FuzzCase, answer: Answer): string | undefined {
  // What the server sees: Node's HTTP/1.1 client drops a fragment, its HTTP/2 client sends it.
  const path = (c.http2 ? c.path : c.path.split("#", 1)[0]!).split("?", 1)[0]!;
  if (PROBE_PATHS.has(path)) return probeVerdict(c, answer);
  // gRPC and gRPC-Web answer a path nothing serves as gRPC does (grpc-status 12), not as the gateway.
  const rpc = c.door === "rpc" && (c.known || c.protocol === "grpc" || c.protocol === "grpc-web");
  const outcome = rpc ? rpcOutcome(c, answer) : restOutcome(c, answer);
  if ("problem" in outcome) return outcome.problem;
  if ("bare" in outcome) return c.door === "rpc" ? undefined : `a bare HTTP ${outcome.bare} from the gateway`;
  if (FAULTS.has(outcome.code)) return `answered with code ${outcome.code}, a fault of the server's`;
  if (outcome.code !== OK && outcome.details !== 1) return `an error with ${outcome.details} ErrorDetails, not one`;
  return classVerdict(c, outcome.code);
}

function classVerdict(c: FuzzCase, code: number): string | undefined {
  const policy = c.door === "rest" ? !c.path.startsWith("/openapi.json") : !c.path.startsWith("/grpc.");
  const authenticated = c.credentials === "admin" || c.credentials === "viewer";
  if (policy && !authenticated && code === OK) return `a policy call succeeded with credentials "${c.credentials}"`;
  if (policy && c.credentials === "viewer" && !c.reads && code === OK) return "a write succeeded for a caller who may only read";
  if (c.door !== "rpc" || !c.known || !c.wellFormed || !deadlineHonest(c)) return undefined;
  // A well-formed call: its class fixes the answer.
  let expected: number[];
  if (!policy) expected = [OK, NOT_FOUND];
  else if (!authenticated) expected = [UNAUTHENTICATED];
  else if (!c.reads) expected = [PERMISSION_DENIED];
  else expected = [OK, INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED];
  return expected.includes(code) ? undefined : `a well-formed call answered ${code}, expected one of ${expected.join(", ")}`;
}

/** The deadline header the protocol reads is absent, or valid and not already past. */
function deadlineHonest(c: RpcCase): boolean {
  const grpc = c.protocol === "grpc" || c.protocol === "grpc-web";
  const value = c.headers[grpc ? "grpc-timeout" : "connect-timeout-ms"];
  if (value === undefined) return true;
  const ms = grpc ? parseGrpcTimeout(value) : parseConnectTimeout(value);
  return ms !== undefined && ms >= 1000;
}

function rpcOutcome(c: RpcCase, answer: Answer): Outcome {
  if (BARE_REFUSALS.has(answer.status) && answer.body.length === 0) return { bare: answer.status };
  // Refused before any door took it (a bad target), or by the gateway: the gateway's shape.
  if (answer.status !== 200 && /^\{"code":\d/.test(answer.body.toString())) return restOutcome(c, answer);
  switch (c.protocol) {
    case "grpc": {
      if (answer.status !== 200) return { problem: `gRPC answered HTTP ${answer.status}` };
      return grpcStatus({ ...answer.headers, ...answer.trailers });
    }
    case "grpc-web":
    case "connect-stream":
      if (answer.status !== 200 && c.protocol === "grpc-web") return { problem: `gRPC-Web answered HTTP ${answer.status}` };
      return c.protocol === "grpc-web" ? grpcStatus({ ...answer.headers, ...trailerFrame(answer.body) }) : connectOutcome(answer);
    default:
      return connectOutcome(answer);
  }
}

function grpcStatus(fields: Record<string, string>): Outcome {
  const status = fields["grpc-status"];
  if (status === undefined || !/^\d+$/.test(status)) return { problem: `no grpc-status (${JSON.stringify(fields).slice(0, 200)})` };
  const code = Number(status);
  if (code === OK) return { code, details: 0 };
  const bin = fields["grpc-status-details-bin"];
  if (!bin) return { problem: `status ${code} without grpc-status-details-bin` };
  const decoded = decodeStatusDetails(bin);
  if (decoded.code !== code) return { problem: `grpc-status ${code}, but the details say ${decoded.code}` };
  return { code, details: decoded.details.length };
}

/** gRPC-Web's trailer frame (flag 0x80), as header fields. */
function trailerFrame(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let offset = 0; offset + 5 <= body.length; ) {
    const flags = body.readUInt8(offset);
    const length = body.readUInt32BE(offset + 1);
    const data = body.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if ((flags & 0x80) === 0) continue;
    for (const line of data.toString().split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return fields;
}

function connectOutcome(answer: Answer): Outcome {
  if (answer.status === 200) return { code: OK, details: 0 };
  let error: { code?: string; details?: { type?: string }[] };
  try {
    error = JSON.parse(answer.body.toString());
  } catch {
    return { problem: `Connect answered HTTP ${answer.status} with a body that is not JSON` };
  }
  const code = CONNECT_CODES[error.code ?? ""];
  if (code === undefined) return { problem: `Connect error code ${JSON.stringify(error.code)}` };
  return { code, details: (error.details ?? []).filter((d) => d.type === "zitadel.v1.ErrorDetail").length };
}

function restOutcome(c: FuzzCase, answer: Answer): Outcome {
  if (answer.status >= 200 && answer.status < 300) {
    if (c.method === "HEAD" && answer.body.length > 0) return { problem: "HEAD answered with a body" };
    return { code: OK, details: 0 };
  }
  if (c.method === "HEAD") {
    if (answer.body.length > 0) return { problem: "HEAD answered with a body" };
    // No body to read the code from: the status line must be one the gateway's mapping gives.
    return answer.status >= 400 && answer.status !== 500 ? { code: -1, details: 1 } : { problem: `HEAD answered HTTP ${answer.status}` };
  }
  let status: { code?: unknown; details?: { "@type"?: string }[] };
  try {
    status = JSON.parse(answer.body.toString());
  } catch {
    return { problem: `HTTP ${answer.status} with a body that is not JSON: ${answer.body.toString().slice(0, 100)}` };
  }
  if (typeof status.code !== "number") return { problem: `HTTP ${answer.status} without a status code: ${answer.body.toString().slice(0, 200)}` };
  return { code: status.code, details: (status.details ?? []).filter((d) => d["@type"] === ERROR_DETAIL).length };
}

/** The plain-HTTP probes answer in their own small JSON shape. */
function probeVerdict(c: FuzzCase, answer: Answer): string | undefined {
  if (![200, 405, 503].includes(answer.status)) return `probe answered HTTP ${answer.status}`;
  if (c.method === "HEAD") return answer.body.length === 0 ? undefined : "HEAD answered with a body";
  try {
    JSON.parse(answer.body.toString());
    return undefined;
  } catch {
    return "probe answered with a body that is not JSON";
  }
}
