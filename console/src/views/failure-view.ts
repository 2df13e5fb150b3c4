/** A failed call as the server answered it: what was tried, the message, the code and the error ID. */
import { el } from "../elements.js";
import type { Failure } from "../failure.js";

export interface ShownFailure {
  /** What the user tried, e.g. "save the settings". */
  readonly action: string;
  readonly failure: Failure;
}

export function failureView({ action, failure }: ShownFailure): HTMLElement {
  return el(
    "div",
    { className: "failure", attrs: { role: "alert" } },
    el("p", {}, el("strong", {}, `Could not ${action}.`), ` The service answered ${failure.code}: `, el("span", { className: "failure-message" }, failure.message)),
    failure.errorId && el("p", {}, "Error ID: ", el("code", { className: "error-id" }, failure.errorId)),
  );
}
