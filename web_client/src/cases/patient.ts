// The patient side of case types: forms sent to me (with their own state), case types I may
// start, the form page, and a sent form answered inside its thread.
import { api, attachmentIds } from "../api";
import type { AppContext } from "../context";
import { clientId, h } from "../dom";
import { errorText, formatPromise, formatTime } from "../format";
import { t } from "../i18n";
import { autoReplies } from "../live/connection";
import type { SendResult, Thread } from "../types";
import { cases, type Answers, type CaseForm, type CaseRequest, type CaseType } from "./api";
import { answerSummary, caseForm } from "./form";
import { tc } from "./i18n";

/** Home page: the forms waiting for the person I act for, and what they may start. */
export function formsSections(patientId: string, forName: string | null): HTMLElement {
  const requests = h("ul", { class: "thread-list", "data-case-requests": "" });
  const startable = h("ul", { class: "case-type-list", "data-case-types": "" });
  const box = h(
    "div",
    { class: "stack-lg" },
    h(
      "section",
      { class: "stack", "aria-labelledby": "forms-h" },
      h("h2", { id: "forms-h", text: forName ? tc("forms.toFillFor", { name: forName }) : tc("forms.toFill") }),
      requests,
    ),
    h(
      "section",
      { class: "stack", "aria-labelledby": "start-h" },
      h("h2", { id: "start-h", text: tc("forms.start") }),
      h("p", { class: "hint", text: tc("forms.startIntro") }),
      startable,
    ),
  );
  void cases.requests().then(
    (rows) => {
      const mine = rows.filter((r) => r.patient.id === patientId);
      requests.replaceChildren(...(mine.length ? mine.map(requestItem) : [h("li", { class: "empty", text: tc("forms.none") })]));
    },
    () => requests.replaceChildren(),
  );
  void cases.available(patientId).then(
    (types) => {
      startable.replaceChildren(
        ...(types.length ? types.map(caseTypeItem) : [h("li", { class: "empty", text: tc("forms.noneToStart") })]),
      );
    },
    () => startable.replaceChildren(),
  );
  return box;
}

function requestItem(r: CaseRequest): HTMLElement {
  const state = tc(`forms.state.${r.state}` as "forms.state.sent");
  return h(
    "li",
    { class: `thread-item${r.state === "sent" ? " thread-unread" : ""}`, "data-request-id": r.id },
    h(
      "a",
      { href: `#/t/${r.thread_id}`, class: "thread-link" },
      h("span", { class: "thread-subject", lang: "sv", text: r.name }),
      h(
        "span",
        { class: "thread-meta" },
        h("span", { class: `case-state case-state-${r.state}`, text: state }),
        h("span", { text: tc("forms.sentOn", { time: formatTime(r.created_at) }) }),
        r.planned_at ? h("span", { text: tc("forms.plannedVisit", { time: formatTime(r.planned_at) }) }) : null,
      ),
    ),
  );
}

function caseTypeItem(c: CaseType): HTMLElement {
  return h(
    "li",
    { class: "card case-type-item", "data-case-type": c.key },
    h("h3", {}, h("a", { href: `#/form/${c.id}`, lang: "sv", text: c.name })),
    c.description ? h("p", { lang: "sv", text: c.description }) : null,
    h("p", { class: "hint", text: tc("forms.answerTime", { time: formatPromise(c.response_time_hours) }) }),
  );
}

/** #/form/<id>: fill in a case type and start the thread with it. */
export function startPage(ctx: AppContext, caseTypeId: string, patientId: string, started: (r: SendResult) => void): HTMLElement {
  const body = h("div", { class: "stack" }, h("p", { class: "loading", role: "status", text: t("app.loading") }));
  const title = h("h1", { "data-focus-on-route": "", tabindex: "-1" });
  void cases.caseType(caseTypeId).then(
    (c) => {
      title.textContent = c.name;
      title.setAttribute("lang", "sv");
      body.replaceChildren(
        caseForm({
          caseType: c,
          filesNow: false,
          submit: async (answers, files) => {
            const result = await cases.start(c.id, patientId, clientId(), answers);
            ctx.live.store.add([result.message, ...autoReplies(result)]);
            if (files.length) {
              try {
                const ids = attachmentIds(await api.uploadAttachments(result.message.thread_id, files));
                await ctx.live.send(result.message.thread_id, { client_id: clientId(), body: c.name, attachment_ids: ids });
              } catch {
                // the thread is started; files can be added in it
              }
            }
            started(result);
          },
        }),
      );
    },
    (err: unknown) => body.replaceChildren(h("p", { class: "form-error", role: "alert", text: errorText(err) })),
  );
  return h(
    "div",
    { class: "page stack" },
    h("a", { class: "back-link", href: "#/", text: `← ${t("thread.back")}` }),
    title,
    body,
  );
}

/** In a thread: a sent form to answer, or the answers once given. */
export function threadFormSlot(ctx: AppContext, thread: Thread, audience: "patient" | "staff"): HTMLElement {
  const slot = h("div", { class: "case-form-slot" });
  const draw = (form: CaseForm): void => {
    const title = audience === "staff"
      ? tc("forms.summaryStaff", { name: form.case_type.name, version: form.case_type.version })
      : tc("forms.summary");
    if (form.items.length) {
      slot.replaceChildren(answerSummary(form, title));
      return;
    }
    if (audience !== "patient" || form.request_state !== "sent" || !form.request_id) {
      slot.replaceChildren();
      return;
    }
    const requestId = form.request_id;
    const uploaded = new Map<File, string>();
    slot.replaceChildren(
      h("h2", { lang: "sv", text: form.case_type.name }),
      caseForm({
        caseType: form.case_type,
        filesNow: true,
        submit: async (answers: Answers, files) => {
          const fresh = files.filter((f) => !uploaded.has(f));
          if (fresh.length) {
            const ids = attachmentIds(await api.uploadAttachments(thread.id, fresh));
            fresh.forEach((f, i) => ids[i] && uploaded.set(f, ids[i]));
          }
          const fileField = form.case_type.fields.find((f) => f.type === "file");
          if (fileField && files.length) answers[fileField.key] = files.map((f) => uploaded.get(f));
          const result = await cases.answer(requestId, clientId(), answers);
          ctx.live.store.add([result.message, ...autoReplies(result)]);
          if (result.form) draw(result.form);
          slot.prepend(h("p", { class: "notice", role: "status", text: tc("forms.answered") }));
        },
      }),
    );
  };
  void cases.threadForm(thread.id).then(draw, () => slot.replaceChildren());
  return slot;
}
