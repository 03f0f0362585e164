// A unit administrator edits one case type (#/admin/<id>): its settings and its form's
// questions (add, remove, move, change type, options, unit), saved as a new version. The
// server checks the definition; its problems are shown beside each part and in a summary.
import { api, ApiError } from "../api";
import type { AppContext } from "../context";
import { h, uid } from "../dom";
import { errorText } from "../format";
import { t } from "../i18n";
import type { Team } from "../types";
import { cases, type CaseType } from "./api";
import { button, checkField, selectField, textField, type Place } from "./editor_controls";
import { te } from "./editor_i18n";
import { AUDIENCES, FIELD_TYPES, editBody, move, newField, problemsOf, toDraft, type Draft, type FieldType } from "./editor_model";
import { ErrorSlots, type Shown } from "./editor_slots";
import { fieldEditor, type FieldActions } from "./field_editor";
import { tc } from "./i18n";

// Unsaved drafts by case type, so a redraw (a language change) keeps what was typed.
const drafts = new Map<string, { version: number; draft: Draft }>();

export function caseTypeEditorPage(ctx: AppContext, id: string): HTMLElement {
  const title = h("h2", { class: "thread-title", "data-focus-on-route": "", tabindex: "-1", text: te("ed.heading") });
  const body = h("div", { class: "stack" }, h("p", { class: "loading", role: "status", text: t("app.loading") }));
  const back = h("a", { class: "back-link pane-back", href: "#/admin", text: `← ${te("ed.back")}`, onclick: () => drafts.delete(id) });
  const fail = (text: string): void => body.replaceChildren(h("p", { class: "form-error", role: "alert", text }));
  void find(ctx, id).then(
    (found) => (found ? new Editor(found.caseType, found.teams, title, body) : fail(te("ed.notFound"))),
    (err: unknown) => fail(errorText(err)),
  );
  return h("div", { class: "stack-lg admin-page case-type-editor" }, back, title, body);
}

/** Only among the units the server says I administer (GET /me admin_unit_ids). */
async function find(ctx: AppContext, id: string): Promise<{ caseType: CaseType; teams: Team[] } | null> {
  const [lists, teams] = await Promise.all([Promise.all(ctx.me.admin_unit_ids.map((u) => cases.unitCaseTypes(u))), api.teams()]);
  const caseType = lists.flat().find((c) => c.id === id);
  return caseType ? { caseType, teams: teams.filter((x) => x.unit_id === caseType.unit_id) } : null;
}

class Editor {
  private draft: Draft;
  private readonly slots = new ErrorSlots();
  private readonly summary = h("div", { class: "form-error form-summary", role: "alert", tabindex: "-1" });
  private readonly status = h("p", { class: "hint", role: "status" });
  private readonly list = h("ol", { class: "field-editor-list" });
  private readonly save = h("button", { type: "submit", class: "button button-primary", text: te("ed.save") });
  private readonly actions: FieldActions = {
    slots: this.slots,
    redraw: (...focus) => this.drawFields(focus),
    move: (from, to) => {
      const key = this.draft.fields[from]?.key ?? "";
      move(this.draft.fields, from, to);
      const [same, other] = to < from ? ["up", "down"] : ["down", "up"];
      this.drawFields([`${key}:${same}`, `${key}:${other}`]);
      this.say(te("ed.moved", { n: to + 1 }));
    },
    remove: (index) => {
      this.draft.fields.splice(index, 1);
      const next = this.draft.fields[Math.min(index, this.draft.fields.length - 1)];
      this.drawFields(next ? [`${next.key}:label`] : ["add"]);
      this.say(te("ed.removed", { n: index + 1 }));
    },
  };

  constructor(
    private caseType: CaseType,
    private readonly teams: Team[],
    private readonly title: HTMLElement,
    private readonly body: HTMLElement,
  ) {
    const kept = drafts.get(caseType.id);
    this.draft = kept && kept.version === caseType.version ? kept.draft : toDraft(caseType);
    this.draw();
  }

  private draw(): void {
    drafts.set(this.caseType.id, { version: this.caseType.version, draft: this.draft });
    this.title.textContent = te("ed.title", { name: this.caseType.name });
    this.slots.drop();
    this.summary.hidden = true;
    const c = this.caseType;
    const state = c.active ? tc("admin.offered") : tc("admin.withdrawn");
    const form = h(
      "form",
      {
        class: "stack",
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.submit();
        },
      },
      this.summary,
      this.settings(),
      this.questions(),
      h("div", { class: "composer-actions" }, this.save),
      this.status,
    );
    this.body.replaceChildren(
      h("p", { class: "hint", "data-version": c.version }, `${te("ed.version", { n: c.version })} · ${state}`),
      h("p", { class: "hint", text: te("ed.versionNote") }),
      form,
    );
    this.drawFields([]);
  }

  private settings(): HTMLElement {
    const d = this.draft;
    const at = (path: string): Place => ({ slots: this.slots, path });
    const audiences = AUDIENCES.map((value) => ({ value, label: te(`ed.audience.${value}` as const) }));
    const teams = [{ value: "", label: te("ed.teamNone") }, ...this.teams.map((x) => ({ value: x.id, label: x.name }))];
    const name = textField(te("ed.name"), d.name, (v) => (d.name = v), at("definition.name"), { sv: true });
    const box = h(
      "fieldset",
      { class: "stack" },
      h("legend", { text: te("ed.settings") }),
      name,
      textField(te("ed.description"), d.description, (v) => (d.description = v), at("definition.description"), { long: true, sv: true }),
      selectField(te("ed.audience"), d.audience, audiences, (v) => (d.audience = v), at("definition.audience")),
      selectField(te("ed.team"), d.teamId, teams, (v) => (d.teamId = v), at("team_id")),
      textField(te("ed.hours"), d.hours, (v) => (d.hours = v), at("definition.response_time_hours"), { number: true }),
      checkField(te("ed.files"), d.attachments, (v) => (d.attachments = v), at("definition.attachments_allowed")),
    );
    // What the server says of the definition as a whole (e.g. a file question without files).
    box.append(this.slots.add("definition", box, () => te("ed.settings"), name.querySelector("input") ?? box));
    return h("div", { class: "card" }, box);
  }

  private questions(): HTMLElement {
    const headId = uid("ed-h");
    let type: FieldType = "short_text";
    const types = FIELD_TYPES.map((value) => ({ value, label: te(`ed.type.${value}` as const) }));
    const chooser = selectField(te("ed.newType"), type, types, (v) => (type = v), { slots: this.slots, path: "(new)", focusKey: "add" });
    const add = button(te("ed.add"), null, () => {
      const field = newField(type, this.draft.fields);
      this.draft.fields.push(field);
      this.drawFields([`${field.key}:label`]);
      this.say(te("ed.added", { n: this.draft.fields.length }));
    });
    const error = this.slots.add("definition.fields", this.list, () => te("ed.fields"), chooser.querySelector("select") ?? add);
    return h(
      "section",
      { class: "stack", "aria-labelledby": headId },
      h("h3", { id: headId, text: te("ed.fields") }),
      h("p", { class: "hint", text: te("ed.fieldsHint") }),
      error,
      this.list,
      h("div", { class: "card stack field-adder" }, chooser, add),
    );
  }

  private drawFields(focus: string[]): void {
    this.slots.drop("definition.fields");
    this.summary.hidden = true;
    const count = this.draft.fields.length;
    this.list.replaceChildren(...this.draft.fields.map((f, i) => h("li", { class: "card" }, fieldEditor(f, i, count, this.actions))));
    for (const key of focus) {
      const el = this.body.querySelector<HTMLElement>(`[data-ed-focus="${CSS.escape(key)}"]`);
      if (el && !(el instanceof HTMLButtonElement && el.disabled)) return el.focus();
    }
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private async submit(): Promise<void> {
    this.slots.clear();
    this.summary.hidden = true;
    this.say("");
    this.save.disabled = true;
    this.save.textContent = te("ed.saving");
    try {
      this.caseType = await cases.saveCaseType(this.caseType.id, editBody(this.draft));
      this.draft = toDraft(this.caseType);
      this.draw();
      this.save.focus();
      this.say(te("ed.saved", { n: this.caseType.version }));
    } catch (err) {
      this.showSummary(err instanceof ApiError ? this.slots.show(problemsOf(err)) : [], err);
    } finally {
      this.save.disabled = false;
      this.save.textContent = te("ed.save");
    }
  }

  private showSummary(shown: Shown[], err: unknown): void {
    this.summary.hidden = false;
    if (!shown.length) {
      this.summary.replaceChildren(errorText(err));
    } else {
      const item = (s: Shown): HTMLElement => {
        const text = s.name ? `${s.name} – ${s.text}` : s.text;
        const target = s.focus;
        if (!target) return h("li", { text });
        if (!target.id) target.id = uid("ed-target");
        const go = (e: Event): void => {
          e.preventDefault();
          target.focus();
        };
        return h("li", {}, h("a", { href: `#${target.id}`, onclick: go, text }));
      };
      this.summary.replaceChildren(h("p", { text: te("ed.errorsTitle") }), h("ul", {}, shown.map(item)));
    }
    this.summary.focus();
  }
}
