/** The first screen: paste a token. */
import { el } from "../elements.js";
import { failureView, type ShownFailure } from "./failure-view.js";

export function signInView(onSignIn: (token: string) => void, failure?: ShownFailure): HTMLElement {
  const token = el("textarea", { id: "token", name: "token", rows: 3, required: true, spellcheck: false, autocomplete: "off" });
  const form = el(
    "form",
    { className: "sign-in" },
    el("h1", {}, "Login Policy Service"),
    el(
      "p",
      {},
      "Paste a personal access token or a JWT access token. It stays in this tab's session storage only and is sent to this service alone, as the bearer of each call.",
    ),
    el("label", { htmlFor: "token" }, "Access token"),
    token,
    failure && failureView(failure),
    el("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = token.value.trim();
    if (value) onSignIn(value);
  });
  return el("main", { className: "sign-in-page" }, form);
}
