// One question of a case type's form in the editor: type, question, help text, whether it
// must be answered and the attributes of its type (options, unit, limits), with buttons to
// move it up or down and to remove it. Each part shows the server's problems at its path.
import { h } from "../dom";
import { button, checkField, selectField, textField, type Place } from "./editor_controls";
import { te } from "./editor_i18n";
import { DATES, FIELD_TYPES, newOption, type FieldDraft } from "./editor_model";
import type { ErrorSlots } from "./editor_slots";

export interface FieldActions {
  slots: ErrorSlots;
  /** The question changed shape (type, options): draw the list again, then focus the first
   * of these data-ed-focus keys that can take it. */
  redraw: (...focus: string[]) => void;
  move: (index: number, to: number) => void;
  remove: (index: number) => void;
}

export function fieldEditor(f: FieldDraft, index: number, count: number, act: FieldActions): HTMLElement {
  const n = index + 1;
  const base = `definition.fields.${index}`;
  const heading = (): string => (f.label.trim() ? te("ed.fieldNamed", { n, label: f.label.trim() }) : te("ed.field", { n }));
  const at = (attr: string, focus?: string): Place => ({
    slots: act.slots,
    path: `${base}.${attr}`,
    prefix: te("ed.field", { n }),
    focusKey: focus === undefined ? undefined : `${f.key}:${focus}`,
  });
  const legend = h("legend", { class: "field-editor-title", text: heading() });
  const types = FIELD_TYPES.map((value) => ({ value, label: te(`ed.type.${value}` as const) }));
  const type = selectField(te("ed.type"), f.type, types, (v) => {
    f.type = v;
    act.redraw(`${f.key}:type`);
  }, at("type", "type"));
  const label = textField(te("ed.label"), f.label, (v) => {
    f.label = v;
    legend.textContent = heading();
  }, at("label", "label"), { sv: true });
  const box = h("fieldset", { class: "field-editor stack", "data-field-index": index, "data-field-key": f.key }, legend);
  const focus = label.querySelector("input") ?? box;
  const error = act.slots.add(base, box, () => te("ed.field", { n }), focus);
  box.append(
    type,
    label,
    textField(te("ed.help"), f.help, (v) => (f.help = v), at("help"), { sv: true }),
    checkField(te("ed.required"), f.required, (v) => (f.required = v), at("required")),
    ...specific(f, at, act),
    error,
    h(
      "div",
      { class: "field-editor-actions" },
      button(te("ed.moveUp"), te("ed.moveUpLabel", { n }), () => act.move(index, index - 1), `${f.key}:up`, index === 0),
      button(te("ed.moveDown"), te("ed.moveDownLabel", { n }), () => act.move(index, index + 1), `${f.key}:down`, index === count - 1),
      button(te("ed.remove"), te("ed.removeLabel", { n }), () => act.remove(index), `${f.key}:remove`),
    ),
  );
  return box;
}

type At = (attr: string, focus?: string) => Place;

/** The attributes of the question's type; the others stay in the draft, unsent. */
function specific(f: FieldDraft, at: At, act: FieldActions): HTMLElement[] {
  const number = { number: true };
  switch (f.type) {
    case "short_text":
    case "long_text":
      return [textField(te("ed.maxLength"), f.maxLength, (v) => (f.maxLength = v), at("max_length"), number)];
    case "single_choice":
      return [options(f, at, act)];
    case "multiple_choice":
      return [
        options(f, at, act),
        textField(te("ed.minSelected"), f.minSelected, (v) => (f.minSelected = v), at("min_selected"), number),
        textField(te("ed.maxSelected"), f.maxSelected, (v) => (f.maxSelected = v), at("max_selected"), number),
      ];
    case "number":
      return [
        textField(te("ed.unit"), f.unit, (v) => (f.unit = v), at("unit"), { sv: true }),
        textField(te("ed.min"), f.min, (v) => (f.min = v), at("min"), number),
        textField(te("ed.max"), f.max, (v) => (f.max = v), at("max"), number),
        checkField(te("ed.integer"), f.integer, (v) => (f.integer = v), at("integer")),
      ];
    case "date": {
      const choices = DATES.map((value) => ({ value, label: te(`ed.dates.${value}` as const) }));
      return [selectField(te("ed.dates"), f.dates, choices, (v) => (f.dates = v), at("dates"))];
    }
    case "file":
      return [textField(te("ed.maxFiles"), f.maxFiles, (v) => (f.maxFiles = v), at("max_files"), number)];
    default:
      return [];
  }
}

/** The options of a choice: one labelled text per option, removable, and one more to add. */
function options(f: FieldDraft, at: At, act: FieldActions): HTMLElement {
  const add = button(te("ed.addOption"), null, () => {
    const option = newOption(f);
    f.options.push(option);
    act.redraw(`${f.key}:opt:${option.value}`);
  }, `${f.key}:addopt`);
  const rows = f.options.map((o, j) =>
    h(
      "li",
      { class: "option-row" },
      textField(te("ed.option", { n: j + 1 }), o.label, (v) => (o.label = v), at(`options.${j}`, `opt:${o.value}`), { sv: true }),
      button(te("ed.removeOption"), te("ed.removeOptionLabel", { n: j + 1 }), () => {
        f.options.splice(j, 1);
        const next = f.options[Math.min(j, f.options.length - 1)];
        act.redraw(next ? `${f.key}:opt:${next.value}` : `${f.key}:addopt`);
      }),
    ),
  );
  const group = h("fieldset", { class: "option-editor stack" }, h("legend", { text: te("ed.options") }));
  const error = act.slots.add(at("options").path, group, () => `${at("options").prefix ?? ""}, ${te("ed.options")}`, add);
  group.append(
    rows.length ? h("ol", { class: "option-list" }, rows) : h("p", { class: "hint", text: te("ed.noOptions") }),
    error,
    add,
  );
  return group;
}
