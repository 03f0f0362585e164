// A case type's form: one component per typed field, labelled and keyboard operable. The
// server checks every answer; its errors are shown beside each field and in a summary.
import { ApiError } from "../api";
import { h, uid } from "../dom";
import { errorText } from "../format";
import { FilePicker } from "../views/attachments";
import type { Answers, CaseForm, CaseType, FieldDef } from "./api";
import { problemText, tc } from "./i18n";

export interface FormOptions {
  caseType: CaseType;
  /** Files go up with the answer (a sent form whose thread exists), else after the start. */
  filesNow: boolean;
  submit: (answers: Answers, files: File[]) => Promise<void>;
}

interface Control {
  field: FieldDef;
  box: HTMLElement;
  error: HTMLElement;
  focus: HTMLElement;
  read: () => unknown;
  invalid: (on: boolean) => void;
}

export function caseForm(opts: FormOptions): HTMLElement {
  const summary = h("div", { class: "form-error form-summary", role: "alert", tabindex: "-1" });
  summary.hidden = true;
  let picker: FilePicker | null = null;
  const controls = opts.caseType.fields.map((f) => {
    if (f.type !== "file") return control(f);
    picker = new FilePicker();
    return fileControl(f, picker, opts.filesNow);
  });
  const button = h("button", { type: "submit", class: "button button-primary button-wide", text: tc("forms.submit") });
  const form: HTMLFormElement = h(
    "form",
    {
      class: "case-form stack card",
      novalidate: true,
      lang: "sv", // the questions are the unit's, in Swedish
      onsubmit: (e: Event) => {
        e.preventDefault();
        void send();
      },
    },
    opts.caseType.description ? h("p", { class: "lead", text: opts.caseType.description }) : null,
    summary,
    controls.map((c) => c.box),
    h("div", { class: "composer-actions", lang: document.documentElement.lang }, button),
  );

  async function send(): Promise<void> {
    const answers: Answers = {};
    for (const c of controls) {
      c.error.textContent = "";
      c.invalid(false);
      const value = c.read();
      if (value !== undefined && c.field.type !== "file") answers[c.field.key] = value;
    }
    summary.hidden = true;
    button.disabled = true;
    button.textContent = tc("forms.sending");
    try {
      const files: File[] = picker ? (picker as FilePicker).chosen : [];
      await opts.submit(answers, files);
    } catch (err) {
      showErrors(err);
    } finally {
      button.disabled = false;
      button.textContent = tc("forms.submit");
    }
  }

  function showErrors(err: unknown): void {
    const list = err instanceof ApiError ? (err.details?.["errors"] as { field: string; problem: string }[] | undefined) : undefined;
    summary.replaceChildren();
    summary.hidden = false;
    if (!list?.length) {
      summary.textContent = errorText(err);
      summary.focus();
      return;
    }
    const items: HTMLElement[] = [];
    for (const e of list) {
      const c = controls.find((x) => x.field.key === e.field);
      const text = problemText(e.problem);
      if (!c) continue;
      c.error.textContent = text;
      c.invalid(true);
      items.push(
        h("li", {}, h("a", { href: `#${c.focus.id}`, onclick: (ev: Event) => { ev.preventDefault(); c.focus.focus(); }, text: `${c.field.label}: ${text}` })),
      );
    }
    summary.append(h("p", { text: tc("forms.errorsTitle") }), h("ul", {}, items));
    summary.focus();
  }

  return form;
}

function labelText(f: FieldDef): string {
  return `${f.label} (${f.required ? tc("forms.required") : tc("forms.optional")})`;
}

function control(f: FieldDef): Control {
  const errorId = uid("err");
  const hintId = f.help ? uid("hint") : null;
  const error = h("p", { id: errorId, class: "field-error" });
  const hint = hintId ? h("p", { id: hintId, class: "hint", text: f.help }) : null;
  const described = [hintId, errorId].filter(Boolean).join(" ");
  if (f.type === "short_text" || f.type === "long_text" || f.type === "number" || f.type === "date") {
    const id = uid("field");
    const attrs = { id, name: f.key, "aria-describedby": described, "aria-required": f.required ? "true" : null };
    const input =
      f.type === "long_text"
        ? h("textarea", { ...attrs, rows: 5, maxlength: f.max_length ?? 4000 })
        : h("input", {
            ...attrs,
            type: f.type === "date" ? "date" : "text",
            inputmode: f.type === "number" ? "decimal" : null,
            maxlength: f.type === "short_text" ? (f.max_length ?? 200) : null,
            class: f.type === "number" ? "input-number" : null,
          });
    const unit = f.type === "number" && f.unit ? h("span", { class: "unit", text: f.unit }) : null;
    const box = h(
      "div",
      { class: "field", "data-field": f.key },
      h("label", { for: id, text: labelText(f) }),
      hint,
      unit ? h("div", { class: "inline-field" }, input, unit) : input,
      error,
    );
    const read = (): unknown => {
      const raw = input.value.trim();
      if (!raw) return undefined;
      if (f.type !== "number") return raw;
      const n = Number(raw.replace(",", ".").replace(/\s/g, ""));
      return Number.isFinite(n) ? n : raw; // the server names what is wrong
    };
    return { field: f, box, error, focus: input, read, invalid: (on) => input.setAttribute("aria-invalid", String(on)) };
  }
  // Choices and yes/no: a fieldset of radios or checkboxes.
  const multiple = f.type === "multiple_choice";
  const options =
    f.type === "yes_no"
      ? [
          { value: "true", label: tc("forms.yes") },
          { value: "false", label: tc("forms.no") },
        ]
      : (f.options ?? []);
  const name = uid(f.key);
  const inputs = options.map((o) => {
    const id = uid("opt");
    const input = h("input", { type: multiple ? "checkbox" : "radio", id, name, value: o.value });
    return { input, node: h("div", { class: "choice" }, input, h("label", { for: id, text: o.label })) };
  });
  const legendId = uid("legend");
  const box = h(
    "fieldset",
    { class: "choice-group field", "data-field": f.key, "aria-describedby": described, "aria-labelledby": legendId },
    h("legend", { id: legendId, text: labelText(f) }),
    hint,
    inputs.map((i) => i.node),
    error,
  );
  const read = (): unknown => {
    const checked = inputs.filter((i) => i.input.checked).map((i) => i.input.value);
    if (multiple) return checked.length ? checked : undefined;
    if (!checked.length) return undefined;
    return f.type === "yes_no" ? checked[0] === "true" : checked[0];
  };
  const first = inputs[0]?.input ?? box;
  return {
    field: f,
    box,
    error,
    focus: first,
    read,
    invalid: (on) => box.setAttribute("aria-invalid", String(on)),
  };
}

function fileControl(f: FieldDef, picker: FilePicker, now: boolean): Control {
  const error = h("p", { class: "field-error", id: uid("err") });
  const box = h(
    "div",
    { class: "field", "data-field": f.key },
    h("p", { class: "field-label", text: labelText(f) }),
    f.help ? h("p", { class: "hint", text: f.help }) : null,
    h("p", { class: "hint", text: now ? tc("forms.filesHint", { n: f.max_files ?? 5 }) : tc("forms.filesLater") }),
    picker.element,
    error,
  );
  const focus = box.querySelector<HTMLElement>("input[type=file]") ?? box;
  return { field: f, box, error, focus, read: () => undefined, invalid: () => undefined };
}

/** A thread's answers as a readable list (question, answer). */
export function answerSummary(form: CaseForm, title: string): HTMLElement {
  return h(
    "section",
    { class: "case-summary card", "aria-label": title },
    h("h2", { class: "case-summary-title", text: title }),
    h(
      "dl",
      { class: "facts", lang: "sv" },
      form.items.flatMap((i) => [h("dt", { text: i.label }), h("dd", { text: i.answer ?? tc("forms.noAnswer") })]),
    ),
  );
}
