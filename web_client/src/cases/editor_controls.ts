// Labelled controls of the case type editor, each with its error line for the server's
// problems at its path. Nothing is checked here (no maxlength, min or pattern).
import { h, uid } from "../dom";
import type { ErrorSlots } from "./editor_slots";

export interface Place {
  slots: ErrorSlots;
  /** The server's path of the value, e.g. "definition.fields.1.label". */
  path: string;
  /** How the summary names it: "<prefix>, <label>" (default: the label). */
  prefix?: string;
  /** Restores the focus after a redraw: data-ed-focus. */
  focusKey?: string;
}

function finish(label: string, el: HTMLElement, at: Place): HTMLElement {
  if (at.focusKey) el.setAttribute("data-ed-focus", at.focusKey);
  return at.slots.add(at.path, el, () => (at.prefix ? `${at.prefix}, ${label}` : label));
}

export function textField(
  label: string,
  value: string,
  set: (v: string) => void,
  at: Place,
  opts: { long?: boolean; number?: boolean; sv?: boolean } = {},
): HTMLElement {
  const id = uid("ed");
  const attrs = { id, lang: opts.sv ? "sv" : null, spellcheck: opts.number ? "false" : null };
  const input = opts.long
    ? h("textarea", { ...attrs, rows: 3 })
    : h("input", { ...attrs, type: "text", inputmode: opts.number ? "decimal" : null, class: opts.number ? "input-number" : null });
  input.value = value;
  input.addEventListener("input", () => set(input.value));
  const error = finish(label, input, at);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input, error);
}

export function checkField(label: string, value: boolean, set: (v: boolean) => void, at: Place): HTMLElement {
  const id = uid("ed");
  const input = h("input", { id, type: "checkbox" });
  input.checked = value;
  input.addEventListener("change", () => set(input.checked));
  const error = finish(label, input, at);
  return h("div", { class: "field" }, h("div", { class: "choice" }, input, h("label", { for: id, text: label })), error);
}

export function selectField<V extends string>(
  label: string,
  value: V,
  choices: readonly { value: V; label: string }[],
  set: (v: V) => void,
  at: Place,
): HTMLElement {
  const id = uid("ed");
  const select = h(
    "select",
    { id },
    choices.map((c) => h("option", { value: c.value, text: c.label })),
  );
  select.value = value;
  select.addEventListener("change", () => set(select.value as V));
  const error = finish(label, select, at);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), select, error);
}

export function button(text: string, label: string | null, onclick: () => void, focusKey?: string, disabled = false): HTMLButtonElement {
  return h("button", {
    type: "button",
    class: "button button-secondary",
    "aria-label": label,
    "data-ed-focus": focusKey,
    disabled,
    text,
    onclick,
  });
}
