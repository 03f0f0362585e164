// Unit administrators: copy national templates, offer or withdraw case types, open one in
// the editor (#/admin/<id>, editor.ts), standard answers and the unit's telephone hours.
import { h, uid } from "../dom";
import { errorText, formatPromise } from "../format";
import { t } from "../i18n";
import { cases, type CaseType, type StandardAnswer, type Template } from "./api";
import { te } from "./editor_i18n";
import { tc } from "./i18n";

function input(label: string, el: HTMLInputElement | HTMLTextAreaElement): HTMLElement {
  el.id = uid("adm");
  return h("div", { class: "field" }, h("label", { for: el.id, text: label }), el);
}

export function adminPage(unitIds: string[]): HTMLElement {
  return h(
    "div",
    { class: "stack-lg admin-page" },
    h("a", { class: "back-link pane-back", href: "#/", text: `← ${t("staff.inbox")}` }),
    h("h2", { class: "thread-title", "data-focus-on-route": "", tabindex: "-1", text: tc("admin.title") }),
    unitIds.map((u, i) => unitSection(u, unitIds.length > 1 ? tc("admin.unit", { n: i + 1 }) : null)),
  );
}

function unitSection(unitId: string, heading: string | null): HTMLElement {
  const status = h("p", { class: "hint", role: "status" });
  const error = h("p", { class: "form-error", role: "alert" });
  const own = h("ul", { class: "case-type-list" });
  const templates = h("ul", { class: "case-type-list" });
  const answers = h("ul", { class: "directory-results" });
  const fail = (err: unknown): void => {
    error.textContent = errorText(err);
  };

  const drawOwn = (): void => {
    void cases.unitCaseTypes(unitId).then((rows) => {
      own.replaceChildren(...(rows.length ? rows.map(caseTypeItem) : [h("li", { class: "empty", text: tc("admin.noCaseTypes") })]));
    }, fail);
  };
  const caseTypeItem = (c: CaseType): HTMLElement =>
    h(
      "li",
      { class: "card case-type-item", "data-case-type": c.key },
      h("h4", { lang: "sv", text: c.name }),
      h(
        "p",
        { class: "hint" },
        `${tc("admin.version", { n: c.version })} · ${c.active ? tc("admin.offered") : tc("admin.withdrawn")} · ${formatPromise(c.response_time_hours)}`,
      ),
      h(
        "div",
        { class: "case-type-actions" },
        h("a", {
          class: "button button-secondary",
          href: `#/admin/${c.id}`,
          "aria-label": te("ed.editLabel", { name: c.name }),
          text: te("ed.edit"),
        }),
        h("button", {
          type: "button",
          class: "button button-quiet",
          text: c.active ? tc("admin.withdraw") : tc("admin.offer"),
          onclick: () => void cases.setActive(c.id, !c.active).then(drawOwn, fail),
        }),
      ),
    );
  void cases.templates().then((rows: Template[]) => {
    templates.replaceChildren(
      ...rows.map((tp) =>
        h(
          "li",
          { class: "card case-type-item" },
          h("h4", { lang: "sv", text: tp.name }),
          h("p", { lang: "sv", class: "hint", text: tp.description }),
          h("button", {
            type: "button",
            class: "button button-secondary",
            "aria-label": tc("admin.copyLabel", { name: tp.name }),
            text: tc("admin.copy"),
            onclick: () => {
              error.textContent = "";
              void cases.copyTemplate(unitId, tp.key).then(() => {
                status.textContent = tc("admin.copied", { name: tp.name });
                drawOwn();
              }, fail);
            },
          }),
        ),
      ),
    );
  }, fail);

  const drawAnswers = (): void => {
    void cases.unitStandardAnswers(unitId).then((rows: StandardAnswer[]) => {
      answers.replaceChildren(
        ...rows.map((a) =>
          h(
            "li",
            { class: "directory-hit" },
            h("span", {}, h("strong", { text: a.title }), ` – ${a.body}`),
            h("button", {
              type: "button",
              class: "button button-quiet",
              "aria-label": tc("admin.stdDeleteLabel", { name: a.title }),
              text: tc("admin.stdDelete"),
              onclick: () => void cases.deleteStandardAnswer(unitId, a.id).then(drawAnswers, fail),
            }),
          ),
        ),
      );
    }, fail);
  };
  const title = h("input", { type: "text", maxlength: 120 });
  const body = h("textarea", { rows: 3, maxlength: 10000 });
  const addForm = h(
    "form",
    {
      class: "stack card",
      onsubmit: (e: Event) => {
        e.preventDefault();
        error.textContent = "";
        void cases.addStandardAnswer(unitId, title.value.trim(), body.value).then(() => {
          title.value = body.value = "";
          drawAnswers();
        }, fail);
      },
    },
    input(tc("admin.stdTitle"), title),
    input(tc("admin.stdBody"), body),
    h("p", { class: "hint", text: tc("admin.placeholders") }),
    h("button", { type: "submit", class: "button button-secondary", text: tc("admin.stdAdd") }),
  );
  const phone = h("input", { type: "text", maxlength: 500 });
  void cases.phoneHours(unitId).then((r) => (phone.value = r.text), () => undefined);
  const phoneForm = h(
    "form",
    {
      class: "stack",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void cases.setPhoneHours(unitId, phone.value).then(() => (status.textContent = tc("admin.phoneSave")), fail);
      },
    },
    input(tc("admin.phone"), phone),
    h("button", { type: "submit", class: "button button-secondary", text: tc("admin.phoneSave") }),
  );
  drawOwn();
  drawAnswers();
  return h(
    "section",
    { class: "stack" },
    heading ? h("h3", { text: heading }) : null,
    status,
    error,
    h("h3", { text: tc("admin.caseTypes") }),
    own,
    h("h3", { text: tc("admin.templates") }),
    templates,
    h("h3", { text: tc("admin.standard") }),
    answers,
    addForm,
    phoneForm,
  );
}
