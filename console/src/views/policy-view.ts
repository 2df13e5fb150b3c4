/**
 * One policy: its version and change date, its factors to switch on and off, its other
 * settings to edit, the way back to the default, and every field of the policy in effect
 * with where it comes from. Controls the caller may not use are disabled, with the reason
 * next to them.
 */
import { ScalarType, type DescField } from "@bufbuild/protobuf";
import { DurationSchema, type Duration } from "@bufbuild/protobuf/wkt";
import { UpdateLoginPolicyRequestSchema } from "../../../gen/zitadel/admin/v1/admin_pb.js";
import { LoginPolicySchema, MultiFactorType, SecondFactorType, SecondFactorTypeSchema, type LoginPolicy } from "../../../gen/zitadel/policy/v1/login_policy_pb.js";
import type { TargetAbilities } from "../abilities.js";
import { el } from "../elements.js";
import type { EffectivePolicy, FactorChange, PolicySettings, PolicyTarget } from "../policy-target.js";
import {
  MULTI_FACTOR_LABELS,
  SECOND_FACTOR_LABELS,
  enumValueLabel,
  fieldLabel,
  formatDuration,
  formatTimestamp,
  parseDuration,
} from "../policy-fields.js";

export interface PolicyViewOptions {
  readonly title: string;
  readonly target: PolicyTarget;
  readonly effective: EffectivePolicy;
  readonly abilities: TargetAbilities;
  onRefresh(): void;
  onToggleFactor(change: FactorChange): void;
  onSaveSettings(settings: PolicySettings): void;
  onReset(): void;
}

/** Why a change control is disabled, or undefined when it is not. */
function changeRefusal(options: PolicyViewOptions): string | undefined {
  const { write } = options.abilities;
  if (write.allowed === false) return `You may not change this policy: ${write.reason ?? "refused"}`;
  return undefined;
}

export function policyView(options: PolicyViewOptions): HTMLElement {
  const { effective, target } = options;
  const details = effective.policy.details;
  const refresh = el("button", { type: "button", id: "refresh" }, "Refresh");
  refresh.addEventListener("click", () => options.onRefresh());
  return el(
    "section",
    { className: "policy", attrs: { "aria-labelledby": "policy-title" } },
    el("h2", { id: "policy-title" }, options.title),
    el(
      "dl",
      { className: "version" },
      el("dt", {}, "Version"),
      el("dd", { id: "policy-version" }, String(details?.sequence ?? 0n)),
      el("dt", {}, "Changed"),
      el("dd", { id: "policy-changed" }, formatTimestamp(details?.changeDate)),
      el("dt", {}, "Source"),
      el("dd", { id: "policy-source" }, sourceOf(target, effective)),
    ),
    refresh,
    factorsSection(options),
    settingsSection(options),
    target.resetToDefault && !effective.inherited && resetSection(options),
    effectiveSection(options),
  );
}

function sourceOf(target: PolicyTarget, effective: EffectivePolicy): string {
  if (target.kind === "instance") return "the instance's default policy";
  return effective.inherited ? "follows the instance's default policy (inherited)" : "this organization's own policy";
}

/** A disabled control's reason, as a paragraph the control names with aria-describedby. */
function reasonParagraph(id: string, reason: string | undefined): HTMLElement | false {
  return reason !== undefined && el("p", { id, className: "reason" }, reason);
}

function factorsSection(options: PolicyViewOptions): HTMLElement {
  const inherited = options.effective.inherited;
  const reason =
    changeRefusal(options) ??
    (inherited ? "This organization follows the default policy: save its settings as a custom policy first to choose its own factors." : undefined);
  const { secondFactors, multiFactors } = options.effective.policy;
  const box = (change: Omit<FactorChange, "enabled">, label: string, enabled: boolean) => {
    const id = `factor-${change.kind}-${change.type}`;
    const input = el("input", { type: "checkbox", id, checked: enabled, disabled: reason !== undefined });
    if (reason !== undefined) input.setAttribute("aria-describedby", "factors-reason");
    input.addEventListener("change", () => options.onToggleFactor({ ...change, enabled: input.checked } as FactorChange));
    return el("div", { className: "check" }, input, el("label", { htmlFor: id }, label));
  };
  const types = (labels: Readonly<Record<number, string>>) => Object.keys(labels).map(Number);
  return el(
    "section",
    { attrs: { "aria-labelledby": "factors-title" } },
    el("h3", { id: "factors-title" }, "Factors"),
    reasonParagraph("factors-reason", reason),
    el(
      "fieldset",
      {},
      el("legend", {}, "Second factors (after the password)"),
      ...types(SECOND_FACTOR_LABELS).map((type) =>
        box({ kind: "second", type: type as SecondFactorType }, SECOND_FACTOR_LABELS[type]!, secondFactors.includes(type)),
      ),
    ),
    el(
      "fieldset",
      {},
      el("legend", {}, "Multi-factors (instead of the password)"),
      ...types(MULTI_FACTOR_LABELS).map((type) =>
        box({ kind: "multi", type: type as MultiFactorType }, MULTI_FACTOR_LABELS[type]!, multiFactors.includes(type)),
      ),
    ),
  );
}

/** One input per setting of the update request, filled from the policy in effect. */
function settingInput(field: DescField, policy: LoginPolicy): { control: HTMLElement; read(): unknown } {
  const id = `setting-${field.name}`;
  const value = (policy as unknown as Record<string, unknown>)[field.localName];
  const label = el("label", { htmlFor: id }, fieldLabel(field));
  if (field.fieldKind === "scalar" && field.scalar === ScalarType.BOOL) {
    const input = el("input", { type: "checkbox", id, checked: value === true });
    return { control: el("div", { className: "check" }, input, label), read: () => input.checked };
  }
  if (field.fieldKind === "enum") {
    const select = el("select", { id }, ...field.enum.values.map((v) => el("option", { value: String(v.number), selected: v.number === value }, enumValueLabel(field, v.number))));
    return { control: el("div", { className: "field" }, label, select), read: () => Number(select.value) };
  }
  if (field.fieldKind === "message" && field.message.typeName === DurationSchema.typeName) {
    const hint = el("span", { id: `${id}-hint`, className: "hint" }, "hours, minutes, seconds: 240h, 1h30m, 0s");
    const input = el("input", { id, value: formatDuration(value as Duration | undefined), spellcheck: false, attrs: { "aria-describedby": hint.id } });
    const read = () => {
      const seconds = parseDuration(input.value);
      input.setCustomValidity(seconds === undefined ? "Write a duration in hours, minutes and seconds, like 240h or 1h30m." : "");
      return seconds === undefined ? undefined : { seconds, nanos: 0 };
    };
    return { control: el("div", { className: "field" }, label, input, hint), read };
  }
  const input = el("input", { id, value: typeof value === "string" ? value : "", spellcheck: false });
  return { control: el("div", { className: "field" }, label, input), read: () => input.value };
}

function settingsSection(options: PolicyViewOptions): HTMLElement {
  const reason = changeRefusal(options);
  const inputs = UpdateLoginPolicyRequestSchema.fields.map((field) => ({ field, ...settingInput(field, options.effective.policy) }));
  const creates = options.target.kind === "org" && options.effective.inherited;
  const submit = el("button", { type: "submit", id: "save-settings", disabled: reason !== undefined }, creates ? "Add custom policy" : "Save settings");
  if (reason !== undefined) submit.setAttribute("aria-describedby", "settings-reason");
  const form = el(
    "form",
    { className: "settings", noValidate: true },
    el("fieldset", { className: "plain", disabled: reason !== undefined, attrs: { "aria-labelledby": "settings-title" } }, ...inputs.map((input) => input.control)),
    reasonParagraph("settings-reason", reason),
    creates && el("p", { className: "hint" }, "Saving gives this organization a policy of its own, starting with these settings and the default's factors."),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const settings = Object.fromEntries(inputs.map(({ field, read }) => [field.localName, read()]));
    if (!form.reportValidity()) return;
    options.onSaveSettings(settings as PolicySettings);
  });
  return el("section", { attrs: { "aria-labelledby": "settings-title" } }, el("h3", { id: "settings-title" }, "Settings"), form);
}

function resetSection(options: PolicyViewOptions): HTMLElement {
  const reason = changeRefusal(options);
  const button = el("button", { type: "button", id: "reset", className: "danger", disabled: reason !== undefined }, "Reset to default");
  if (reason !== undefined) button.setAttribute("aria-describedby", "reset-reason");
  button.addEventListener("click", () => {
    if (confirm("Drop this organization's own policy? It will follow the instance's default policy again.")) options.onReset();
  });
  return el(
    "section",
    { attrs: { "aria-labelledby": "reset-title" } },
    el("h3", { id: "reset-title" }, "Back to the default"),
    el("p", {}, "Drops this organization's own policy, so that it follows the instance's default policy and every later change of it."),
    reasonParagraph("reset-reason", reason),
    button,
  );
}

/** Every field of the policy in effect, each with where its value comes from. */
function effectiveSection(options: PolicyViewOptions): HTMLElement {
  const { policy, inherited } = options.effective;
  const source = options.target.kind === "instance" ? "instance default" : inherited ? "inherited from the default" : "this organization";
  const rows = LoginPolicySchema.fields.flatMap((field) => {
    if (field.localName === "details") {
      const details = policy.details;
      return [
        row("Version (sequence)", String(details?.sequence ?? 0n), source),
        row("Changed", formatTimestamp(details?.changeDate), source),
        row("Created", formatTimestamp(details?.creationDate), source),
        row("Resource owner", details?.resourceOwner ?? "", source),
      ];
    }
    return [row(fieldLabel(field), displayValue(field, (policy as unknown as Record<string, unknown>)[field.localName]), source)];
  });
  return el(
    "section",
    { attrs: { "aria-labelledby": "effective-title" } },
    el("h3", { id: "effective-title" }, "Policy in effect"),
    el(
      "div",
      // Scrolls sideways on a narrow screen: focusable, so that a keyboard can scroll it too.
      { className: "table-scroll", tabIndex: 0, attrs: { role: "region", "aria-labelledby": "effective-title" } },
      el(
        "table",
        { className: "effective" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Value"), el("th", { scope: "col" }, "From"))),
        el("tbody", {}, ...rows),
      ),
    ),
  );
}

function row(name: string, value: string, source: string): HTMLTableRowElement {
  return el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, value), el("td", {}, source));
}

function displayValue(field: DescField, value: unknown): string {
  switch (field.fieldKind) {
    case "scalar":
      if (field.scalar === ScalarType.BOOL) return value ? "yes" : "no";
      return String(value ?? "") || "(none)";
    case "enum":
      return enumValueLabel(field, value as number);
    case "message":
      return field.message.typeName === DurationSchema.typeName ? formatDuration(value as Duration | undefined) : value ? "set" : "(none)";
    case "list": {
      const items = value as unknown[];
      if (items.length === 0) return "none";
      if (field.listKind !== "enum") return `${items.length}`;
      const labels = field.enum.typeName === SecondFactorTypeSchema.typeName ? SECOND_FACTOR_LABELS : MULTI_FACTOR_LABELS;
      return items.map((item) => labels[item as number] ?? enumValueLabel(field, item as number)).join(", ");
    }
    default:
      return "";
  }
}
