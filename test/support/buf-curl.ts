/**
 * `buf curl` (from the @bufbuild/buf dev dependency): an independent client in Go that
 * learns the schema by server reflection alone, the way grpcurl does, and links the files
 * it receives as strictly as Go's protobuf runtime does.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BUF = fileURLToPath(new URL("../../node_modules/.bin/buf", import.meta.url));

export interface BufCurlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function bufCurl(args: readonly string[]): Promise<BufCurlResult> {
  return new Promise((resolve) => {
    execFile(BUF, ["curl", ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
