// The staff view: the team inbox sorted by urgency and promised response time, and one thread
// with the team's actions (assign, transfer, close), internal notes and requests for files.
import { api } from "../api";
import { parseHash, type AppContext, type View } from "../context";
import { h, replace, uid } from "../dom";
import {
  compareForInbox,
  errorText,
  formatTime,
  isOverdue,
  unreadBadge,
  urgencyLabel,
  urgencyOf,
} from "../format";
import { t } from "../i18n";
import type { AcuteAlert, Team, Thread, ThreadStatus } from "../types";
import { mountVideo, type VideoMount } from "../video";
import { Conversation } from "./conversation";
import { debounce, replaceKeepingFocus } from "./threadlist";

type Tab = "open" | "closed";

export class StaffView implements View {
  readonly element = h("div", { class: "staff-view" });
  private threads: Thread[] = [];
  private teams: Team[] = [];
  private tab: Tab = "open";
  private selected: string | null = null;
  private loaded = false;
  private readonly list = h("ul", { class: "inbox-list", "aria-labelledby": "inbox-h" });
  private readonly countLine = h("p", { class: "hint", role: "status" });
  private readonly alerts = h("div", { class: "acute-alerts" });
  private pane = h("section", { class: "thread-pane" });
  private paneHeader: HTMLElement | null = null;
  private conversation: Conversation | null = null;
  private video: VideoMount | null = null;
  private readonly acute: AcuteAlert[] = [];
  private readonly stopLive: () => void;
  private readonly stopStore: () => void;
  private readonly refreshSoon = debounce(() => void this.refresh(), 250);

  constructor(private readonly ctx: AppContext) {
    // A new message changes unread counts and order; the thread events cover the rest.
    this.stopStore = ctx.live.store.subscribe(() => this.refreshSoon());
    this.stopLive = ctx.live.listen({
      threadUpdated: () => this.refreshSoon(),
      resynced: () => this.refreshSoon(),
      acuteAlert: (e) => {
        this.acute.push(e);
        this.refreshSoon();
        this.drawAlerts();
      },
    });
    this.element.append(h("p", { class: "loading", role: "status", text: t("app.loading") }));
    void Promise.all([this.refresh(), api.teams().then((x) => (this.teams = x), () => [])]).then(() => {
      this.loaded = true;
      this.render();
    });
  }

  destroy(): void {
    this.stopLive();
    this.stopStore();
    this.conversation?.destroy();
    this.video?.destroy();
  }

  route(hash: string): void {
    const r = parseHash(hash);
    const next = r.kind === "thread" ? r.id : null;
    if (next === this.selected && this.loaded && this.pane.isConnected) return;
    this.selected = next;
    if (!this.loaded) return;
    const open = this.threads.find((x) => x.id === next);
    if (open) this.tab = open.status === "closed" ? "closed" : "open";
    this.render();
  }

  render(): void {
    if (!this.loaded) return;
    this.element.replaceChildren(
      this.alerts,
      h(
        "div",
        { class: `two-pane${this.selected ? " has-thread" : ""}` },
        h(
          "aside",
          { class: "inbox", "aria-labelledby": "inbox-h" },
          h("h1", { id: "inbox-h", text: t("staff.inbox") }),
          h("p", { class: "hint", text: t("staff.sortNote") }),
          this.tabs(),
          this.countLine,
          this.list,
        ),
        this.threadPane(),
      ),
    );
    this.drawList();
    this.drawAlerts();
  }

  private async refresh(): Promise<void> {
    try {
      this.threads = await api.threads();
    } catch {
      return;
    }
    this.drawList();
    this.drawAlerts(); // an alert links to its thread once the thread is in my list
    const current = this.threads.find((x) => x.id === this.selected);
    if (current && this.paneHeader) this.drawHeader(current);
  }

  // -- inbox ---------------------------------------------------------------------------------

  private tabs(): HTMLElement {
    const tab = (value: Tab, label: string): HTMLElement =>
      h("button", {
        type: "button",
        class: "tab",
        "aria-pressed": String(this.tab === value),
        text: label,
        onclick: () => {
          this.tab = value;
          this.render();
          this.element.querySelector<HTMLElement>(".tab[aria-pressed=true]")?.focus();
        },
      });
    return h("div", { class: "tabs", role: "group", "aria-label": t("staff.inbox") }, tab("open", t("staff.open")), tab("closed", t("staff.closed")));
  }

  private visible(): Thread[] {
    return this.threads
      .filter((x) => (this.tab === "closed" ? x.status === "closed" : x.status !== "closed"))
      .sort(compareForInbox);
  }

  private drawList(): void {
    if (!this.loaded) return;
    const rows = this.visible();
    this.countLine.textContent = t("staff.inboxCount", { n: rows.length });
    replaceKeepingFocus(
      this.list,
      rows.length ? rows.map((x) => this.inboxItem(x)) : [h("li", { class: "empty", text: t("staff.empty") })],
      "data-thread-id",
    );
  }

  private inboxItem(x: Thread): HTMLElement {
    const urgency = urgencyOf(x);
    const overdue = isOverdue(x);
    const reasons = x.routing?.reasons ?? [];
    return h(
      "li",
      {
        class: `inbox-item${x.unread ? " thread-unread" : ""}${overdue ? " inbox-overdue" : ""}`,
        "data-thread-id": x.id,
      },
      h(
        "a",
        { href: `#/t/${x.id}`, class: "inbox-link", "aria-current": x.id === this.selected ? "true" : null },
        h(
          "span",
          { class: "inbox-top" },
          h("span", { class: `urgency urgency-${urgency ?? "none"}`, text: urgencyLabel(urgency) }),
          x.unread
            ? h("span", {
                class: "badge",
                "data-unread": x.unread,
                "aria-label": unreadBadge(x.unread).label,
                text: unreadBadge(x.unread).text,
              })
            : null,
        ),
        h("span", { class: "thread-subject", text: x.subject }),
        h(
          "span",
          { class: "thread-meta" },
          h("span", { text: x.patient.name }),
          h("span", { text: x.team.name }),
          x.status === "waiting_for_patient" ? h("span", { text: t("status.waiting_for_patient") }) : null,
          h("span", { text: `${t("staff.assignee")}: ${x.assignee?.name ?? t("staff.unassigned")}` }),
        ),
        x.response_due_at || overdue
          ? h(
              "span",
              { class: "thread-meta" },
              overdue ? h("span", { class: "overdue", text: t("staff.overdue") }) : null,
              x.response_due_at ? h("span", { text: t("staff.due", { time: formatTime(x.response_due_at) }) }) : null,
            )
          : null,
        reasons.length
          ? h("span", { class: "reasons" }, `${t("staff.reasons")}: `, reasons.join(" · "))
          : null,
      ),
    );
  }

  private drawAlerts(): void {
    this.alerts.replaceChildren(
      ...this.acute.map((a) => {
        const th = this.threads.find((x) => x.id === a.thread_id);
        return h(
          "div",
          { class: "acute-alert", role: "alert" },
          h("p", { text: th ? t("staff.acute", { subject: th.subject }) : t("staff.acuteOther") }),
          a.reasons.length ? h("p", { class: "reasons", text: a.reasons.join(" · ") }) : null,
          th && h("a", {
            class: "button button-emergency",
            href: `#/t/${a.thread_id}`,
            text: t("staff.acuteOpen"),
            onclick: () => {
              this.acute.splice(this.acute.indexOf(a), 1);
              this.drawAlerts();
            },
          }),
        );
      }),
    );
    this.alerts.hidden = this.acute.length === 0;
  }

  // -- one thread ----------------------------------------------------------------------------

  private threadPane(): HTMLElement {
    this.conversation?.destroy();
    this.conversation = null;
    this.video?.destroy();
    this.video = null;
    this.paneHeader = null;
    const thread = this.threads.find((x) => x.id === this.selected);
    this.pane = h("section", { class: "thread-pane", "aria-label": thread?.subject ?? t("staff.choose") });
    if (!this.selected) {
      this.pane.append(h("p", { class: "placeholder", text: t("staff.choose") }));
      return this.pane;
    }
    if (!thread) {
      this.pane.append(h("p", { class: "form-error", role: "alert", text: t("error.not_found") }));
      return this.pane;
    }
    this.paneHeader = h("header", { class: "thread-header stack" });
    this.drawHeader(thread);
    const conv = new Conversation({
      ctx: this.ctx,
      thread,
      audience: "staff",
      onRead: (id) => {
        const th = this.threads.find((x) => x.id === id);
        if (th && th.unread) {
          th.unread = 0;
          this.drawList();
        }
      },
    });
    this.conversation = conv;
    const slot = h("div", { class: "video-slot" });
    this.pane.append(
      h("a", { class: "back-link pane-back", href: "#/", text: `← ${t("staff.inbox")}` }),
      this.paneHeader,
      slot,
      conv.element,
    );
    this.video = mountVideo(slot, this.ctx, thread);
    void conv.load();
    return this.pane;
  }

  /** Move the thread; when it leaves my teams, it leaves my inbox too. */
  private async transfer(threadId: string, teamId: string, error: HTMLElement): Promise<void> {
    error.textContent = "";
    try {
      const moved = await api.transfer(threadId, teamId);
      if (this.ctx.me.team_ids.includes(moved.team.id)) {
        this.threads = this.threads.map((y) => (y.id === moved.id ? moved : y));
        this.drawHeader(moved);
        this.drawList();
      } else {
        this.threads = this.threads.filter((y) => y.id !== moved.id);
        location.hash = "#/"; // the inbox heading gets the focus (main.ts)
      }
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  private drawHeader(x: Thread): void {
    if (!this.paneHeader) return;
    const me = this.ctx.me.user.id;
    const error = h("div", { class: "form-error", role: "alert" });
    const act = async (fn: () => Promise<Thread>): Promise<void> => {
      error.textContent = "";
      try {
        const updated = await fn();
        this.threads = this.threads.map((y) => (y.id === updated.id ? updated : y));
        this.drawHeader(updated);
        this.drawList();
        this.paneHeader?.querySelector<HTMLElement>(".thread-title")?.focus();
      } catch (err) {
        error.textContent = errorText(err);
      }
    };
    const fact = (term: string, value: string | null): HTMLElement[] =>
      value ? [h("dt", { text: term }), h("dd", { text: value })] : [];
    const urgency = urgencyOf(x);
    const otherTeams = this.teams.filter((tm) => tm.id !== x.team.id);
    const selectId = uid("team");
    const select = h(
      "select",
      { id: selectId, name: "team" },
      otherTeams.map((tm) => h("option", { value: tm.id, text: tm.name })),
    );
    const nextStatus: ThreadStatus = x.status === "closed" ? "open" : "closed";
    const allowId = uid("allow");
    replace(this.paneHeader,
      h(
        "div",
        { class: "title-row" },
        h("span", { class: `urgency urgency-${urgency ?? "none"}`, text: urgencyLabel(urgency) }),
        h("h2", { class: "thread-title", "data-focus-on-route": "", tabindex: "-1", text: x.subject }),
      ),
      h(
        "dl",
        { class: "facts facts-inline" },
        fact(t("staff.patient"), x.patient.name),
        fact(t("staff.team"), x.team.name),
        fact(t("staff.assignee"), x.assignee?.name ?? t("staff.unassigned")),
        fact(t("staff.status"), t(`status.${x.status}` as "status.open")),
        fact(t("staff.dueLabel"), x.response_due_at ? formatTime(x.response_due_at) + (isOverdue(x) ? ` – ${t("staff.overdue")}` : "") : null),
        fact(t("staff.reasons"), x.routing?.reasons.length ? x.routing.reasons.join(" · ") : null),
      ),
      x.patient_visible ? null : h("p", { class: "hint", text: t("staff.patientHidden") }),
      h(
        "div",
        { class: "actions", role: "group", "aria-label": t("staff.actions") },
        x.assignee?.id === me
          ? h("span", { class: "assigned-me", text: t("staff.assignedToYou") })
          : h("button", { type: "button", class: "button button-secondary", text: t("staff.assignMe"), onclick: () => void act(() => api.assign(x.id, me)) }),
        otherTeams.length
          ? h(
              "div",
              { class: "inline-field" },
              h("label", { for: selectId, text: t("staff.transfer") }),
              select,
              h("button", { type: "button", class: "button button-secondary", text: t("staff.transferDo"), onclick: () => void this.transfer(x.id, select.value, error) }),
            )
          : null,
        h("button", {
          type: "button",
          class: "button button-secondary",
          text: nextStatus === "closed" ? t("staff.close") : t("staff.reopen"),
          onclick: () => void act(() => api.setStatus(x.id, nextStatus)),
        }),
        h(
          "div",
          { class: "choice" },
          h("input", {
            type: "checkbox",
            id: allowId,
            checked: x.attachments_allowed,
            onchange: (e: Event) => void act(() => api.setAttachmentsAllowed(x.id, (e.target as HTMLInputElement).checked)),
          }),
          h("label", { for: allowId, text: t("staff.allowFiles") }),
        ),
      ),
      error,
    );
  }
}
