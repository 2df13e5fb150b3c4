/** What one of `lps doctor`'s checks found, in words an operator can act on. */

/** ok: as it should be; warning: works, but should be looked at; fault: will not work, or loses data. */
export type Verdict = "ok" | "warning" | "fault";

export interface Finding {
  /** What was checked: "configuration", "database", "tls", "jwt", "admin token". */
  readonly area: string;
  readonly verdict: Verdict;
  /** What was found, in a sentence. */
  readonly summary: string;
  /** What to do about it, for warnings and faults. */
  readonly fix?: string;
}

export const ok = (area: string, summary: string): Finding => ({ area, verdict: "ok", summary });
export const warning = (area: string, summary: string, fix: string): Finding => ({ area, verdict: "warning", summary, fix });
export const fault = (area: string, summary: string, fix: string): Finding => ({ area, verdict: "fault", summary, fix });

/** The mode bits that let others than the owner read or write a file. */
export function openToOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

export function octalMode(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}
