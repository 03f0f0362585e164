// The staff side: consult a colleague found in the directory (never by raw id), start a
// thread or send a form to a patient, search the inbox, insert standard answers.
import { call } from "../api";
import type { AppContext } from "../context";
import { clientId, h, uid } from "../dom";
import { errorText } from "../format";
import { t } from "../i18n";
import type { SendResult, Team, Thread } from "../types";
import { cases, type CaseType, type PatientHit, type StaffEntry } from "./api";
import { tc } from "./i18n";

/** The actions the server allows the caller on this thread (ThreadView.allowed_actions). */
export function allows(thread: Thread, action: string): boolean {
  return (thread.allowed_actions ?? []).includes(action);
}

function searchForm(label: string, hint: string, button: string, run: (q: string) => void): HTMLElement {
  const id = uid("search");
  const hintId = uid("search-hint");
  const input = h("input", { id, type: "search", name: "q", autocomplete: "off", "aria-describedby": hintId });
  return h(
    "form",
    {
      class: "search-form",
      role: "search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        run(input.value.trim());
      },
    },
    h("label", { for: id, text: label }),
    h("p", { id: hintId, class: "hint", text: hint }),
    h("div", { class: "inline-field" }, input, h("button", { type: "submit", class: "button button-secondary", text: button })),
  );
}

function field(label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): HTMLElement {
  if (!control.id) control.id = uid("f");
  return h("div", { class: "field" }, h("label", { for: control.id, text: label }), control);
}

// -- consultations ---------------------------------------------------------------------------

export function consultPanel(
  thread: Thread,
  changed: (t: Thread) => void,
  opened: (t: Thread) => void,
): HTMLElement | null {
  if (!allows(thread, "consult")) return null;
  const status = h("p", { class: "hint", role: "status" });
  const error = h("p", { class: "form-error", role: "alert" });
  const results = h("ul", { class: "directory-results", "aria-label": tc("consult.title") });
  const chosen = new Map<string, StaffEntry>();
  const chosenLine = h("p", { class: "hint", "aria-live": "polite" });
  const subject = h("input", { type: "text", name: "subject", maxlength: 200 });
  subject.value = thread.subject.slice(0, 200);
  const message = h("textarea", { name: "message", rows: 3, maxlength: 10000 });
  const drawChosen = (): void => {
    chosenLine.textContent = chosen.size
      ? tc("consult.chosen", { name: [...chosen.values()].map((c) => c.name).join(", ") })
      : "";
  };
  const hit = (s: StaffEntry): HTMLElement => {
    const who = `${s.name}, ${s.profession} – ${s.unit_name} (${s.organisation_name})`;
    return h(
      "li",
      { class: "directory-hit", "data-staff-id": s.id },
      h("span", { text: who }),
      h(
        "span",
        { class: "actions" },
        allows(thread, "add_participant")
          ? h("button", {
              type: "button",
              class: "button button-quiet",
              "aria-label": tc("consult.addLabel", { name: s.name }),
              text: tc("consult.add"),
              onclick: () => {
                error.textContent = "";
                void cases.addParticipant(thread.id, s.id).then(
                  (updated) => {
                    status.textContent = tc("consult.added", { name: s.name });
                    changed(updated);
                  },
                  (err: unknown) => (error.textContent = errorText(err)),
                );
              },
            })
          : null,
        h("button", {
          type: "button",
          class: "button button-quiet",
          "aria-label": tc("consult.chooseLabel", { name: s.name }),
          text: tc("consult.choose"),
          onclick: () => {
            chosen.set(s.id, s);
            drawChosen();
          },
        }),
      ),
    );
  };
  const search = searchForm(tc("consult.search"), tc("consult.searchHint"), tc("consult.searchButton"), (q) => {
    error.textContent = "";
    void cases.staff(q).then(
      (rows) => {
        results.replaceChildren(...rows.map(hit));
        status.textContent = rows.length ? tc("consult.results", { n: rows.length }) : tc("consult.noHits");
      },
      (err: unknown) => (error.textContent = errorText(err)),
    );
  });
  const start = h("button", { type: "submit", class: "button button-primary", text: tc("consult.open") });
  const consultForm = h(
    "form",
    {
      class: "stack",
      onsubmit: (e: Event) => {
        e.preventDefault();
        error.textContent = "";
        if (!chosen.size) {
          error.textContent = tc("consult.pickFirst");
          return;
        }
        start.disabled = true;
        void cases
          .consult(thread.id, [...chosen.keys()], subject.value.trim() || thread.subject, clientId(), message.value.trim() || "?")
          .then(
            (made) => {
              status.textContent = tc("consult.opened");
              opened(made.thread);
            },
            (err: unknown) => (error.textContent = errorText(err)),
          )
          .finally(() => (start.disabled = false));
      },
    },
    chosenLine,
    field(tc("consult.subject"), subject),
    field(tc("consult.message"), message),
    h("p", { class: "hint", text: tc("consult.hidden") }),
    start,
  );
  const linked = h("ul", { class: "consultations" });
  void cases.consultations(thread.id).then(
    (rows) => {
      if (!rows.length) return;
      linked.replaceChildren(...rows.map((c) => h("li", {}, h("a", { href: `#/t/${c.id}`, text: c.subject }))));
      linked.before(h("h3", { text: tc("consult.linked") }));
    },
    () => undefined,
  );
  return h(
    "details",
    { class: "consult-panel card" },
    h("summary", { text: tc("consult.title") }),
    h("div", { class: "stack" }, search, status, results, consultForm, error, linked),
  );
}

// -- inbox search ----------------------------------------------------------------------------

export function inboxSearch(caseTypes: string[], show: (threads: Thread[] | null, note: string) => void): HTMLElement {
  const id = uid("case-type");
  const select = h(
    "select",
    { id, name: "case_type" },
    h("option", { value: "", text: tc("inbox.anyType") }),
    caseTypes.map((k) => h("option", { value: k, text: k })),
  );
  const form = searchForm(tc("inbox.search"), tc("inbox.searchHint"), tc("inbox.searchButton"), (q) => {
    const type = select.value || null;
    if (!q && !type) {
      show(null, "");
      return;
    }
    void cases.searchInbox(q, type).then(
      (rows) => show(rows, tc("inbox.results", { n: rows.length })),
      (err: unknown) => show([], errorText(err)),
    );
  });
  form.append(
    h("div", { class: "inline-field" }, h("label", { for: id, text: tc("inbox.caseType") }), select),
    h("button", {
      type: "button",
      class: "button button-quiet",
      text: tc("inbox.clear"),
      onclick: () => {
        (form.querySelector("input[type=search]") as HTMLInputElement).value = "";
        select.value = "";
        show(null, "");
      },
    }),
  );
  return form;
}

// -- standard answers ------------------------------------------------------------------------

export function standardAnswerPicker(thread: Thread, textarea: HTMLTextAreaElement): HTMLElement {
  const id = uid("std");
  const select = h("select", { id, name: "standard_answer" }, h("option", { value: "", text: tc("std.none") }));
  const note = h("p", { class: "hint", role: "status" });
  const box = h(
    "div",
    { class: "inline-field standard-answers" },
    h("label", { for: id, text: tc("std.label") }),
    select,
    h("button", {
      type: "button",
      class: "button button-quiet",
      text: tc("std.insert"),
      onclick: () => {
        const text = select.selectedOptions[0]?.dataset["filled"];
        if (!text) return;
        textarea.value = textarea.value ? `${textarea.value}\n${text}` : text;
        note.textContent = tc("std.inserted");
        textarea.focus();
      },
    }),
    note,
  );
  box.hidden = true;
  void cases.standardAnswers(thread.id).then(
    (rows) => {
      for (const r of rows) select.append(h("option", { value: r.id, "data-filled": r.filled ?? r.body, text: r.title }));
      box.hidden = rows.length === 0;
    },
    () => undefined,
  );
  return box;
}

// -- a new thread, or a form, to a patient ---------------------------------------------------

export function staffNewPage(ctx: AppContext, teams: Team[], opened: (t: Thread) => void): HTMLElement {
  const done = (r: SendResult): void => {
    if (r.thread) opened(r.thread);
    else location.hash = `#/t/${r.message.thread_id}`;
  };
  const error = h("p", { class: "form-error", role: "alert" });
  const status = h("p", { class: "hint", role: "status" });
  const hits = h("ul", { class: "directory-results" });
  const composer = h("div", { class: "stack" });
  const mine = teams.filter((tm) => ctx.me.team_ids.includes(tm.id));
  const choose = (p: PatientHit): void => {
    status.textContent = tc("staffnew.chosen", { name: p.name });
    composer.replaceChildren(h("h2", { tabindex: "-1", text: tc("staffnew.chosen", { name: p.name }) }), messageForm(p), formSender(p));
    composer.querySelector<HTMLElement>("h2")?.focus();
  };
  const search = searchForm(tc("staffnew.search"), tc("staffnew.searchHint"), tc("consult.searchButton"), (q) => {
    error.textContent = "";
    void cases.patients(q).then(
      (rows) => {
        hits.replaceChildren(
          ...rows.map((p) =>
            h(
              "li",
              { class: "directory-hit" },
              h("span", { text: `${p.name} (${p.birth_date})` }),
              h("button", { type: "button", class: "button button-quiet", text: tc("staffnew.choose", { name: p.name }), onclick: () => choose(p) }),
            ),
          ),
        );
        status.textContent = rows.length ? tc("consult.results", { n: rows.length }) : tc("consult.noHits");
      },
      (err: unknown) => (error.textContent = errorText(err)),
    );
  });
  const teamSelect = (): HTMLSelectElement =>
    h("select", { name: "team" }, mine.map((tm) => h("option", { value: tm.id, text: tm.name })));
  const messageForm = (p: PatientHit): HTMLElement => {
    const team = teamSelect();
    const subject = h("input", { type: "text", name: "subject", maxlength: 200, required: true });
    const body = h("textarea", { name: "body", rows: 4, maxlength: 10000, required: true });
    return h(
      "form",
      {
        class: "stack card",
        onsubmit: (e: Event) => {
          e.preventDefault();
          error.textContent = "";
          void call<SendResult>("POST", "/threads", {
            patient_id: p.id,
            subject: subject.value.trim(),
            team_id: team.value,
            message: { client_id: clientId(), body: body.value.trim() },
          }).then(
            done,
            (err: unknown) => (error.textContent = errorText(err)),
          );
        },
      },
      field(tc("staffnew.team"), team),
      field(tc("staffnew.subject"), subject),
      field(tc("staffnew.message"), body),
      h("button", { type: "submit", class: "button button-primary", text: tc("staffnew.send") }),
    );
  };
  const formSender = (p: PatientHit): HTMLElement => {
    const types = h("select", { name: "case_type" });
    const team = teamSelect();
    const planned = h("input", { type: "datetime-local", name: "planned_at" });
    const note = h("textarea", { name: "note", rows: 2, maxlength: 2000 });
    const box = h(
      "form",
      {
        class: "stack card",
        onsubmit: (e: Event) => {
          e.preventDefault();
          error.textContent = "";
          if (!types.value) return;
          const when = planned.value ? new Date(planned.value).toISOString() : undefined;
          void cases
            .sendRequest(types.value, { patient_id: p.id, client_id: clientId(), team_id: team.value || undefined, planned_at: when, note: note.value.trim() })
            .then(
              done,
              (err: unknown) => (error.textContent = errorText(err)),
            );
        },
      },
      h("h3", { text: tc("staffnew.orForm") }),
      field(tc("staffnew.form"), types),
      field(tc("staffnew.team"), team),
      field(tc("staffnew.planned"), planned),
      field(tc("staffnew.note"), note),
      h("button", { type: "submit", class: "button button-secondary", text: tc("staffnew.sendForm") }),
    );
    void Promise.all(ctx.me.unit_ids.map((u) => cases.unitCaseTypes(u).catch(() => [] as CaseType[]))).then((lists) => {
      const all = lists.flat().filter((c) => c.active);
      types.replaceChildren(...all.map((c) => h("option", { value: c.id, lang: "sv", text: c.name })));
      if (!all.length) box.replaceChildren(h("p", { class: "hint", text: tc("staffnew.noForms") }));
    });
    return box;
  };
  return h(
    "div",
    { class: "stack staff-new" },
    h("a", { class: "back-link pane-back", href: "#/", text: `← ${t("staff.inbox")}` }),
    h("h2", { class: "thread-title", "data-focus-on-route": "", tabindex: "-1", text: tc("staffnew.title") }),
    search,
    status,
    hits,
    error,
    composer,
  );
}
