/**
 * Who is signed in and what they may do, as far as the service's answers tell: the token
 * (its last characters), and for the default policy and the selected organization whether
 * reading and changing were allowed, with the server's reason when not.
 */
import type { Ability, TargetAbilities } from "../abilities.js";
import { el } from "../elements.js";

export interface IdentityFacts {
  readonly token: string;
  readonly ownOrgId?: string;
  readonly instance: TargetAbilities;
  /** The selected organization's name and abilities, when one is selected. */
  readonly org?: { readonly name: string; readonly abilities: TargetAbilities };
}

export function identityView(facts: IdentityFacts): HTMLElement {
  const rows = [["The instance's default policy", facts.instance] as const, ...(facts.org ? [[facts.org.name, facts.org.abilities] as const] : [])];
  return el(
    "section",
    { className: "identity", attrs: { "aria-labelledby": "identity-title" } },
    el("h2", { id: "identity-title" }, "Signed in"),
    el(
      "p",
      {},
      "Token ending in ",
      el("code", {}, `…${facts.token.slice(-4)}`),
      facts.ownOrgId ? ` · your organization: ${facts.ownOrgId}` : "",
    ),
    el(
      "table",
      { className: "abilities" },
      el("caption", {}, "What this token may do, as the service answered"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Policy"), el("th", { scope: "col" }, "Read"), el("th", { scope: "col" }, "Change"))),
      el("tbody", {}, ...rows.map(([name, abilities]) => el("tr", {}, el("th", { scope: "row" }, name), abilityCell(abilities.read), abilityCell(abilities.write)))),
    ),
    el("p", { className: "hint" }, "No call names a token's user or roles: these come from calls the service allowed or refused."),
  );
}

function abilityCell(ability: Ability): HTMLTableCellElement {
  const answer = ability.allowed === undefined ? "unknown" : ability.allowed ? "yes" : "no";
  return el("td", { className: `ability ability-${answer}` }, answer, ability.reason && el("span", { className: "reason" }, ` (${ability.reason})`));
}
