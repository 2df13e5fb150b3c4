/**
 * Which policy to look at: the instance's default, the caller's own organization, and the
 * organizations added by ID (the API has no call that lists organizations), with a search
 * over them and whether each follows the default.
 */
import { el } from "../elements.js";
import type { TargetKey } from "../policy-target.js";

export interface TargetEntry {
  readonly key: TargetKey;
  readonly name: string;
  /** "follows the default", "own policy", "not readable", or nothing while unknown. */
  readonly state?: string;
}

export interface TargetsViewOptions {
  readonly entries: readonly TargetEntry[];
  readonly selected: TargetKey;
  readonly filter: string;
  onSelect(key: TargetKey): void;
  onFilter(text: string): void;
  onAddOrg(orgId: string): void;
}

export function targetsView(options: TargetsViewOptions): HTMLElement {
  const search = el("input", { id: "target-search", type: "search", value: options.filter, autocomplete: "off" });
  search.addEventListener("input", () => options.onFilter(search.value));
  const needle = options.filter.trim().toLowerCase();
  const shown = options.entries.filter((entry) => !needle || entry.name.toLowerCase().includes(needle) || entry.key.toLowerCase().includes(needle));
  const orgId = el("input", { id: "org-id", name: "orgId", autocomplete: "off", required: true, spellcheck: false });
  const add = el(
    "form",
    { className: "add-org" },
    el("label", { htmlFor: "org-id" }, "Organization ID"),
    orgId,
    el("button", { type: "submit" }, "Open organization"),
  );
  add.addEventListener("submit", (event) => {
    event.preventDefault();
    if (orgId.value.trim()) options.onAddOrg(orgId.value.trim());
  });
  return el(
    "nav",
    { className: "targets", attrs: { "aria-labelledby": "targets-title" } },
    el("h2", { id: "targets-title" }, "Policies"),
    el("label", { htmlFor: "target-search" }, "Search"),
    search,
    el(
      "ul",
      {},
      ...shown.map((entry) => {
        const button = el(
          "button",
          { type: "button", id: `target-${encodeURIComponent(entry.key)}`, className: "target" },
          el("span", { className: "target-name" }, entry.name),
          entry.state && el("span", { className: "target-state" }, entry.state),
        );
        if (entry.key === options.selected) button.setAttribute("aria-current", "true");
        button.addEventListener("click", () => options.onSelect(entry.key));
        return el("li", {}, button);
      }),
    ),
    shown.length === 0 && el("p", { className: "hint" }, "No policy matches the search."),
    el("p", { className: "hint" }, "Organizations you can reach by ID are added here; the service has no call that lists them."),
    add,
  );
}
