/** A throwaway self-signed certificate for localhost, made with the openssl CLI. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../harness/temp-dir.js";

export interface Certificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
}

export function selfSignedCertificate(): Certificate {
  const dir = tempDir("lps-tls-");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", keyPath, "-out", certPath],
    { stdio: "ignore" },
  );
  return { certPath, keyPath, cert: readFileSync(certPath) };
}
