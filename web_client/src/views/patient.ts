// The patient view: my fixed care contacts, my messages, writing, and acting for my children.
import { api, attachmentIds, type NewThread } from "../api";
import { parseHash, type AppContext, type View } from "../context";
import { clientId, focusHeading, h, uid } from "../dom";
import { setUnread } from "../attention";
import { errorText, formatDue, formatPromise, formatTime, isOverdue, unreadBadge } from "../format";
import { t } from "../i18n";
import { autoReplies } from "../live/connection";
import type { CareContact, Emergency, Person, Thread } from "../types";
import { mountVideo, type VideoMount } from "../video";
import { accessLogPage } from "./accesslog";
import { FilePicker } from "./attachments";
import { SettingsPage } from "./settings";
import { Conversation } from "./conversation";
import { formsSections, startPage, threadFormSlot } from "../cases/patient";
import { debounce, replaceKeepingFocus } from "./threadlist";

const UNKNOWN = "unknown";
const ACTING_KEY = "nara.actingFor";

export class PatientView implements View {
  readonly element = h("div", { class: "patient-view" });
  private contacts: CareContact[] = [];
  private threads: Thread[] = [];
  private actingFor: string;
  private route_ = parseHash("");
  private conversation: Conversation | null = null;
  private video: VideoMount | null = null;
  private readonly emergencies = new Map<string, Emergency>();
  private threadList: HTMLElement | null = null;
  private unreadLine: HTMLElement | null = null;
  private promiseLine: HTMLElement | null = null;
  private loaded = false;
  private readonly stopLive: () => void;
  private readonly stopStore: () => void;
  private readonly refreshSoon = debounce(() => void this.refresh(), 250);

  constructor(private readonly ctx: AppContext) {
    const stored = sessionStorage.getItem(ACTING_KEY);
    const ids = ctx.me.patients.map((p) => p.id);
    this.actingFor = stored && ids.includes(stored) ? stored : (ids[0] ?? "");
    // A new message changes unread counts and order; the thread events cover the rest.
    this.stopStore = ctx.live.store.subscribe(() => this.refreshSoon());
    this.stopLive = ctx.live.listen({
      threadUpdated: () => this.refreshSoon(),
      resynced: () => this.refreshSoon(),
    });
    void this.refresh().then(() => {
      this.loaded = true;
      this.render();
    });
    this.element.append(h("p", { class: "loading", role: "status", text: t("app.loading") }));
  }

  destroy(): void {
    this.stopLive();
    this.stopStore();
    this.conversation?.destroy();
    this.video?.destroy();
  }

  route(hash: string): void {
    this.route_ = parseHash(hash);
    if (this.loaded) this.render();
  }

  render(): void {
    this.conversation?.destroy();
    this.conversation = null;
    this.video?.destroy();
    this.video = null;
    this.threadList = null;
    this.unreadLine = null;
    this.promiseLine = null;
    if (!this.loaded) return;
    const r = this.route_;
    if (r.kind === "thread" && r.id) this.element.replaceChildren(this.threadPage(r.id));
    else if (r.kind === "new") this.element.replaceChildren(this.composePage(r.id));
    else if (r.kind === "log") this.element.replaceChildren(this.logPage());
    else if (r.kind === "settings") this.element.replaceChildren(new SettingsPage().element);
    else if (r.kind === "form" && r.id) this.element.replaceChildren(this.formPage(r.id));
    else this.element.replaceChildren(this.homePage());
    this.drawCounts();
  }

  private async refresh(): Promise<void> {
    try {
      const [contacts, threads] = await Promise.all([api.careContacts(), api.threads()]);
      this.contacts = contacts;
      this.threads = threads;
    } catch {
      return;
    }
    const open = this.route_.kind === "thread" ? this.threads.find((x) => x.id === this.route_.id) : null;
    if (open) {
      this.conversation?.updateThread(open);
      this.drawPromise(open);
    }
    this.drawThreadList();
  }

  private person(id: string): Person | undefined {
    return this.ctx.me.patients.find((p) => p.id === id);
  }

  private isSelf(id: string): boolean {
    return this.ctx.me.patients[0]?.id === id && this.ctx.me.patients[0]?.name === this.ctx.me.user.name;
  }

  private patientLabel(p: Person): string {
    return this.isSelf(p.id) ? t("patient.self", { name: p.name }) : t("patient.child", { name: p.name });
  }

  // -- home ----------------------------------------------------------------------------------

  private homePage(): HTMLElement {
    const who = this.person(this.actingFor);
    const self = this.isSelf(this.actingFor);
    const contacts = this.contacts.filter((c) => c.patient_id === this.actingFor);
    this.threadList = h("ul", { class: "thread-list" });
    this.unreadLine = h("p", { class: "unread-summary", role: "status" });
    const page = h(
      "div",
      { class: "page stack-lg" },
      h("h1", { text: t("app.tagline") }),
      this.actingForChooser(),
      h(
        "section",
        { class: "stack", "aria-labelledby": "contacts-h" },
        h("h2", {
          id: "contacts-h",
          text: self || !who ? t("patient.contacts") : t("patient.contactsFor", { name: who.name }),
        }),
        contacts.length
          ? h("div", { class: "contact-cards" }, contacts.map((c) => this.contactCard(c)))
          : h("p", { text: t("patient.noContacts") }),
      ),
      h(
        "section",
        { class: "stack", "aria-labelledby": "threads-h" },
        h(
          "div",
          { class: "section-head" },
          h("h2", {
            id: "threads-h",
            text: self || !who ? t("patient.threads") : t("patient.threadsFor", { name: who.name }),
          }),
          h("a", { class: "button button-primary", href: "#/new", text: t("patient.newMessage") }),
        ),
        this.unreadLine,
        this.threadList,
      ),
      formsSections(this.actingFor, self || !who ? null : who.name),
      h("p", {}, h("a", { href: "#/log", text: t("log.link") })),
    );
    this.drawThreadList();
    return page;
  }

  /** #/form/<case type>: a form that starts a thread (cases/patient.ts). */
  private formPage(caseTypeId: string): HTMLElement {
    return startPage(this.ctx, caseTypeId, this.actingFor, (result) => {
      const thread = result.thread;
      if (thread) this.threads = [thread, ...this.threads.filter((x) => x.id !== thread.id)];
      if (result.emergency) this.emergencies.set(result.message.thread_id, result.emergency);
      location.hash = `#/t/${result.message.thread_id}`;
    });
  }

  private logPage(): HTMLElement {
    const who = this.person(this.actingFor);
    const title =
      this.isSelf(this.actingFor) || !who ? t("log.title") : t("log.titleFor", { name: who.name });
    return accessLogPage(this.actingFor, title);
  }

  private actingForChooser(): HTMLElement | null {
    const patients = this.ctx.me.patients;
    if (patients.length < 2) return null;
    const name = uid("acting");
    return h(
      "fieldset",
      { class: "acting-for choice-group" },
      h("legend", { text: t("patient.actingForLegend") }),
      patients.map((p) => {
        const id = uid("acting-opt");
        return h(
          "div",
          { class: "choice" },
          h("input", {
            type: "radio",
            id,
            name,
            value: p.id,
            checked: p.id === this.actingFor,
            onchange: () => {
              this.actingFor = p.id;
              sessionStorage.setItem(ACTING_KEY, p.id);
              this.render();
              this.element.querySelector<HTMLInputElement>(`input[value="${p.id}"]`)?.focus();
            },
          }),
          h("label", { for: id }, this.patientLabel(p), h("span", { class: "chooser-unread", "data-unread-for": p.id })),
        );
      }),
    );
  }

  private contactCard(c: CareContact): HTMLElement {
    const row = (term: string, value: string | null | undefined): HTMLElement[] =>
      value ? [h("dt", { text: term }), h("dd", { text: value })] : [];
    const coordinator = c.coordinator
      ? c.coordinator.profession
        ? `${c.coordinator.name}, ${c.coordinator.profession}`
        : c.coordinator.name
      : null;
    return h(
      "article",
      { class: "card contact-card", "data-contact-id": c.id },
      h("h3", { text: c.title }),
      h(
        "dl",
        { class: "facts" },
        row(t("patient.coordinator"), coordinator),
        row(t("patient.team"), c.team?.name),
        row(t("patient.howToReach"), c.how_to_reach),
        row(t("patient.whenToReach"), c.when_to_reach),
        row(t("patient.terms"), c.communication_terms),
      ),
      h("p", { class: "promise", text: t("patient.responseTime", { time: formatPromise(c.response_time_hours) }) }),
      h("a", { class: "button button-secondary", href: `#/new/${c.id}`, text: t("patient.writeTo", { title: c.team?.name ?? c.title }) }),
    );
  }

  /** Unread answers per person I act for (the chooser) and in the tab title. */
  private drawCounts(): void {
    let total = 0;
    for (const p of this.ctx.me.patients) {
      const n = this.threads.filter((th) => th.patient.id === p.id).reduce((sum, th) => sum + th.unread, 0);
      total += n;
      for (const slot of this.element.querySelectorAll<HTMLElement>(`[data-unread-for="${p.id}"]`)) {
        slot.textContent = n ? ` – ${unreadBadge(n).label}` : "";
      }
    }
    setUnread(total);
  }

  private drawPromise(th: Thread): void {
    if (!this.promiseLine) return;
    const due = th.status === "open" ? th.response_due_at : null;
    this.promiseLine.hidden = !due;
    this.promiseLine.classList.toggle("promise-late", Boolean(due && isOverdue(th)));
    this.promiseLine.textContent = !due ? "" : isOverdue(th) ? t("promise.overdue") : t("promise.dueBy", { time: formatDue(due) });
  }

  private drawThreadList(): void {
    this.drawCounts();
    if (!this.threadList || !this.unreadLine) return;
    const mine = this.threads
      .filter((th) => th.patient.id === this.actingFor)
      // New answers first, then the latest activity.
      .sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0) || Date.parse(b.updated_at) - Date.parse(a.updated_at));
    const unread = mine.reduce((n, th) => n + th.unread, 0);
    this.unreadLine.textContent =
      unread === 0 ? "" : unread === 1 ? t("patient.unreadOne") : t("patient.unreadTotal", { n: unread });
    this.unreadLine.hidden = unread === 0;
    const items = mine.length
      ? mine.map((th) => this.threadItem(th))
      : [h("li", { class: "empty", text: t("patient.noThreads") })];
    replaceKeepingFocus(this.threadList, items, "data-thread-id");
  }

  private threadItem(th: Thread): HTMLElement {
    return h(
      "li",
      { class: `thread-item${th.unread ? " thread-unread" : ""}`, "data-thread-id": th.id },
      h(
        "a",
        { href: `#/t/${th.id}`, class: "thread-link" },
        h("span", { class: "thread-subject", text: th.subject }),
        h(
          "span",
          { class: "thread-meta" },
          h("span", { text: th.team.name }),
          h("span", { text: formatTime(th.updated_at) }),
          th.status === "closed" ? h("span", { text: t("status.closed") }) : null,
        ),
        th.unread
          ? h("span", {
              class: "badge",
              "data-unread": th.unread,
              "aria-label": unreadBadge(th.unread).label,
              text: unreadBadge(th.unread).text,
            })
          : null,
      ),
    );
  }

  // -- one thread ----------------------------------------------------------------------------

  private threadPage(id: string): HTMLElement {
    const page = h("div", { class: "page stack" });
    const thread = this.threads.find((th) => th.id === id);
    const back = h("a", { class: "back-link", href: "#/", text: `← ${t("thread.back")}` });
    if (!thread) {
      const status = h("p", { role: "status", class: "loading", text: t("app.loading") });
      page.append(back, status);
      void api.thread(id).then(
        (th) => {
          this.threads.push(th);
          if (this.route_.id === id) this.render();
        },
        (err: unknown) => {
          status.classList.add("form-error");
          status.textContent = errorText(err);
        },
      );
      return page;
    }
    const slot = h("div", { class: "video-slot" });
    const conv = new Conversation({
      ctx: this.ctx,
      thread,
      audience: "patient",
      emergency: this.emergencies.get(id) ?? null,
      onRead: (threadId) => {
        const th = this.threads.find((x) => x.id === threadId);
        if (th && th.unread) {
          th.unread = 0;
          this.drawThreadList(); // when the user went back before the answer came
        }
      },
    });
    this.emergencies.delete(id);
    this.conversation = conv;
    page.append(
      back,
      h(
        "header",
        { class: "thread-header" },
        h("h1", { "data-focus-on-route": "", text: thread.subject }),
        h("p", { class: "thread-meta" }, h("span", { text: thread.team.name }), h("span", { text: t(`status.${thread.status}` as "status.open") })),
        (this.promiseLine = h("p", { class: "promise", "data-promise": "" })),
        slot,
      ),
      threadFormSlot(this.ctx, thread, "patient"),
      conv.element,
    );
    this.video = mountVideo(slot, this.ctx, thread);
    this.drawPromise(thread);
    void conv.load();
    return page;
  }

  // -- a new message -------------------------------------------------------------------------

  private composePage(preselected: string | null): HTMLElement {
    const contacts = this.contacts.filter((c) => c.patient_id === this.actingFor);
    const chosen =
      preselected && (preselected === UNKNOWN || contacts.some((c) => c.id === preselected))
        ? preselected
        : (contacts[0]?.id ?? UNKNOWN);
    const groupName = uid("to");
    const errorBox = h("div", { class: "form-error", role: "alert" });
    const option = (value: string, label: string, hint?: string): HTMLElement => {
      const id = uid("to-opt");
      const hintId = hint ? uid("to-hint") : undefined;
      return h(
        "div",
        { class: "choice" },
        h("input", { type: "radio", id, name: groupName, value, checked: value === chosen, "aria-describedby": hintId }),
        h("label", { for: id }, label, hint ? h("span", { id: hintId, class: "hint", text: hint }) : null),
      );
    };
    const textId = uid("body");
    const hintId = uid("body-hint");
    const textarea = h("textarea", { id: textId, name: "body", rows: 6, maxlength: 10000, required: true, "aria-describedby": hintId });
    const picker = new FilePicker();
    const submit = h("button", { type: "submit", class: "button button-primary button-wide", text: t("compose.send") });
    const form = h(
      "form",
      {
        class: "stack card",
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.create(form, textarea, picker, submit, errorBox);
        },
      },
      this.actingForChooser(),
      h(
        "fieldset",
        { class: "choice-group" },
        h("legend", { text: t("compose.toLegend") }),
        contacts.map((c) => option(c.id, c.team ? `${c.title} (${c.team.name})` : c.title)),
        option(UNKNOWN, t("compose.dontKnow"), t("compose.dontKnowHint")),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: textId, text: t("compose.message") }),
        h("p", { id: hintId, class: "hint", text: t("compose.messageHint") }),
        textarea,
      ),
      picker?.element,
      h("p", { class: "emergency-inline", text: t("emergency.always") }),
      errorBox,
      h("div", { class: "composer-actions" }, submit, h("a", { class: "button button-quiet", href: "#/", text: t("compose.cancel") })),
    );
    return h(
      "div",
      { class: "page stack" },
      h("a", { class: "back-link", href: "#/", text: `← ${t("thread.back")}` }),
      h("h1", { "data-focus-on-route": "", text: t("compose.title") }),
      form,
    );
  }

  private async create(
    form: HTMLFormElement,
    textarea: HTMLTextAreaElement,
    picker: FilePicker | null,
    submit: HTMLButtonElement,
    errorBox: HTMLElement,
  ): Promise<void> {
    errorBox.textContent = "";
    const body = textarea.value.trim();
    if (!body) {
      errorBox.textContent = t("compose.empty");
      textarea.focus();
      return;
    }
    const to = form.querySelector<HTMLInputElement>('fieldset.choice-group:not(.acting-for) input[type="radio"]:checked')?.value ?? UNKNOWN;
    const request: NewThread = {
      patient_id: this.actingFor,
      subject: subjectFrom(body),
      message: { client_id: clientId(), body },
    };
    if (to !== UNKNOWN) request.care_contact_id = to;
    submit.disabled = true;
    submit.textContent = t("compose.sending");
    try {
      const result = await api.createThread(request);
      const thread = result.thread;
      this.ctx.live.store.add([result.message, ...autoReplies(result)]);
      if (thread) this.threads = [thread, ...this.threads.filter((x) => x.id !== thread.id)];
      if (result.emergency) this.emergencies.set(result.message.thread_id, result.emergency);
      const files = picker?.chosen ?? [];
      if (files.length > 0) {
        try {
          const ids = attachmentIds(await api.uploadAttachments(result.message.thread_id, files));
          await this.ctx.live.send(result.message.thread_id, { client_id: clientId(), body: t("thread.attachments"), attachment_ids: ids });
        } catch (err) {
          errorBox.textContent = errorText(err);
        }
      }
      location.hash = `#/t/${result.message.thread_id}`;
    } catch (err) {
      errorBox.textContent = errorText(err);
      focusHeading(errorBox);
    } finally {
      submit.disabled = false;
      submit.textContent = t("compose.send");
    }
  }
}

/** A short subject from the first line of the message (the inbox shows it). */
export function subjectFrom(body: string): string {
  const line = body.split("\n")[0]?.trim() ?? body;
  return line.length > 60 ? line.slice(0, 57).trimEnd() + "…" : line;
}
