/**
 * `lps doctor` on TLS: the certificate and key files can be read and parsed, belong
 * together, the certificate is valid now and for a while yet, and the key is its owner's
 * alone.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { fault, octalMode, ok, openToOthers, warning, type Finding } from "./doctor-finding.js";

const AREA = "tls";
/** A certificate that expires sooner than this is worth a warning. */
const RENEW_WITHIN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function checkTls(tls: { certPath: string; keyPath: string } | undefined, now = new Date()): Finding[] {
  if (!tls) return [ok(AREA, "not configured: the port speaks plain HTTP (put TLS in front of it, or set LPS_TLS_CERT and LPS_TLS_KEY)")];
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(readFileSync(tls.certPath));
  } catch (error) {
    return [fault(AREA, `the certificate ${tls.certPath} cannot be read as PEM: ${(error as Error).message}`, "point LPS_TLS_CERT at a PEM certificate the service's user can read")];
  }
  try {
    key = createPrivateKey(readFileSync(tls.keyPath));
  } catch (error) {
    return [fault(AREA, `the key ${tls.keyPath} cannot be read as a PEM private key: ${(error as Error).message}`, "point LPS_TLS_KEY at the certificate's unencrypted PEM private key")];
  }
  const findings: Finding[] = [];
  if (!certificate.checkPrivateKey(key)) {
    findings.push(fault(AREA, `the key ${tls.keyPath} does not belong to the certificate ${tls.certPath}`, "use the key the certificate was issued for"));
  }
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  if (validTo <= now) {
    findings.push(fault(AREA, `the certificate ${tls.certPath} expired on ${validTo.toISOString()}: clients refuse it`, "renew it, and restart the service"));
  } else if (validFrom > now) {
    findings.push(fault(AREA, `the certificate ${tls.certPath} is not valid before ${validFrom.toISOString()}`, "check the clock of this machine, or use a certificate valid now"));
  } else if (daysLeft < RENEW_WITHIN_DAYS) {
    findings.push(warning(AREA, `the certificate ${tls.certPath} expires in ${daysLeft} day(s), on ${validTo.toISOString()}`, "renew it soon, and restart the service"));
  } else {
    findings.push(ok(AREA, `certificate for ${certificate.subject.replace(/\n/g, ", ")} valid until ${validTo.toISOString()} (${daysLeft} days)`));
  }
  const keyMode = statSync(tls.keyPath).mode;
  if (openToOthers(keyMode)) {
    findings.push(fault(AREA, `the key ${tls.keyPath} has mode ${octalMode(keyMode)}: other users can read it`, `chmod 600 ${tls.keyPath}`));
  }
  return findings;
}
