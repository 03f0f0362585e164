// The staff view: the team inbox sorted by urgency and promised response time, and one thread
// with the team's actions (assign, transfer, close), internal notes and requests for files.
import { api, ApiError } from "../api";
import {
  acuteNotifyOn,
  announceAcute,
  disableAcuteNotify,
  enableAcuteNotify,
  notificationPermission,
  setUnread,
} from "../attention";
import { parseHash, type AppContext, type View } from "../context";
import { focusHeading, h, replace, uid } from "../dom";
import {
  compareForInbox,
  errorText,
  formatTime,
  isOverdue,
  unreadBadge,
  urgencyLabel,
  urgencyOf,
} from "../format";
import { lang, t } from "../i18n";
import type { AcuteAlert, Team, Thread, ThreadStatus } from "../types";
import { mountVideo, type VideoMount } from "../video";
import { Conversation } from "./conversation";
import { allows, consultPanel, inboxSearch, staffNewPage } from "../cases/staff";
import { threadFormSlot } from "../cases/patient";
import { tc } from "../cases/i18n";
import { adminPage } from "../cases/admin";
import { caseTypeEditorPage } from "../cases/editor";
import { debounce, replaceKeepingFocus } from "./threadlist";

type Tab = "open" | "closed";

export class StaffView implements View {
  readonly element = h("div", { class: "staff-view" });
  private threads: Thread[] = [];
  private teams: Team[] = [];
  private tab: Tab = "open";
  // Inbox search results (GET /inbox/search); null: the normal inbox.
  private found: Thread[] | null = null;
  private newPage = false;
  private adminOpen = false;
  // #/admin/<id>: the editor of one of the unit's case types.
  private adminId: string | null = null;
  private selected: string | null = null;
  private loaded = false;
  private readonly list = h("ul", { class: "inbox-list", "aria-labelledby": "inbox-h" });
  private readonly countLine = h("p", { class: "hint", role: "status" });
  private readonly alerts = h("section", { class: "acute-alerts", "aria-label": t("staff.alerts") });
  private readonly alertStatus = h("p", { class: "visually-hidden", role: "status" });
  private pane = h("section", { class: "thread-pane" });
  private paneHeader: HTMLElement | null = null;
  private conversation: Conversation | null = null;
  private video: VideoMount | null = null;
  // Open acute alerts of my units, oldest first: from GET /alerts (so they survive a reload),
  // then live. They stay until someone acknowledges them, here or elsewhere.
  private acute: AcuteAlert[] = [];
  private readonly acknowledged = new Set<string>();
  private readonly alertNodes = new Map<string, { key: string; node: HTMLElement }>();
  private readonly stopLive: () => void;
  private readonly stopStore: () => void;
  private readonly refreshSoon = debounce(() => void this.refresh(), 250);

  constructor(private readonly ctx: AppContext) {
    // A new message changes unread counts and order; the thread events cover the rest.
    this.stopStore = ctx.live.store.subscribe(() => this.refreshSoon());
    this.stopLive = ctx.live.listen({
      threadUpdated: () => this.refreshSoon(),
      resynced: () => {
        this.refreshSoon();
        void this.loadAlerts(); // alerts raised or acknowledged while the connection was down
      },
      acuteAlert: (e) => {
        if (!this.acute.some((a) => a.id === e.id)) announceAcute(e.id);
        this.upsertAlert(e);
        this.refreshSoon();
      },
      alertAcknowledged: (e) => this.dropAlert(e),
    });
    this.element.append(h("p", { class: "loading", role: "status", text: t("app.loading") }));
    const loads = [this.refresh(), this.loadAlerts(), api.teams().then((x) => (this.teams = x), () => [])];
    void Promise.all(loads).then(() => {
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
    const wantsNew = r.kind === "new";
    const wantsAdmin = r.kind === "admin";
    const adminId = wantsAdmin ? r.id : null;
    const same = wantsNew === this.newPage && wantsAdmin === this.adminOpen && adminId === this.adminId;
    if (next === this.selected && same && this.loaded && this.pane.isConnected) return;
    this.selected = next;
    this.newPage = wantsNew;
    this.adminOpen = wantsAdmin;
    this.adminId = adminId;
    if (!this.loaded) return;
    const open = this.threads.find((x) => x.id === next);
    if (open) this.tab = open.status === "closed" ? "closed" : "open";
    this.render();
  }

  render(): void {
    if (!this.loaded) return;
    this.alerts.setAttribute("aria-label", t("staff.alerts"));
    this.element.replaceChildren(
      this.alerts,
      this.alertStatus,
      h(
        "div",
        { class: `two-pane${this.selected || this.newPage || this.adminOpen ? " has-thread" : ""}` },
        h(
          "aside",
          { class: "inbox", "aria-labelledby": "inbox-h" },
          h("h1", { id: "inbox-h", text: t("staff.inbox") }),
          h("p", { class: "hint", text: t("staff.sortNote") }),
          this.attentionToggle(),
          h("a", { class: "button button-primary", href: "#/new", text: tc("staffnew.link") }),
          this.ctx.me.admin_unit_ids.length
            ? h("a", { class: "button button-quiet", href: "#/admin", text: tc("admin.link") })
            : null,
          inboxSearch(
            [...new Set(this.threads.map((x) => x.case_type))].sort(),
            (rows, note) => {
              this.found = rows;
              this.drawList();
              if (note) this.countLine.textContent = note;
            },
          ),
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
    if (this.found) return this.found;
    return this.threads
      .filter((x) => (this.tab === "closed" ? x.status === "closed" : x.status !== "closed"))
      .sort(compareForInbox);
  }

  /** Opt-in per browser: a desktop notice and a sound when an acute alert arrives. */
  private attentionToggle(): HTMLElement {
    const box = h("div", { class: "attention-toggle" });
    const draw = (note?: string): void => {
      const on = acuteNotifyOn();
      replace(
        box,
        on ? h("p", { class: "hint", text: t("attention.enabled") }) : null,
        h("button", {
          type: "button",
          class: "button button-quiet",
          "aria-pressed": String(on),
          "data-attention": "",
          text: on ? t("attention.off") : t("attention.enable"),
          onclick: () => {
            if (on) {
              disableAcuteNotify();
              draw();
            } else {
              void enableAcuteNotify().then((ok) => draw(ok ? undefined : t("attention.denied")));
            }
            box.querySelector<HTMLElement>("[data-attention]")?.focus();
          },
        }),
        note ? h("p", { class: "form-error", role: "alert", text: note }) : null,
      );
    };
    if (notificationPermission() === "unsupported") return box;
    draw();
    return box;
  }

  private drawList(): void {
    setUnread(this.threads.filter((x) => x.status !== "closed").reduce((n, x) => n + x.unread, 0));
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
        x.escalation_step
          ? h("span", { class: "thread-meta" }, h("span", { class: "escalated", text: t("staff.escalated", { step: x.escalation_step }) }))
          : null,
        reasons.length
          ? h("span", { class: "reasons" }, `${t("staff.reasons")}: `, reasons.join(" · "))
          : null,
      ),
    );
  }

  private async loadAlerts(): Promise<void> {
    let open: AcuteAlert[];
    try {
      open = await api.alerts();
    } catch {
      return;
    }
    // The list is the truth, except for what was acknowledged while it was on its way.
    const live = this.acute.filter((a) => !open.some((o) => o.id === a.id));
    this.acute = [...open, ...live].filter((a) => !this.acknowledged.has(a.id));
    this.drawAlerts();
  }

  /** A new alert, or an open one renewed by a further acute message (same id). */
  private upsertAlert(a: AcuteAlert): void {
    if (this.acknowledged.has(a.id)) return;
    const i = this.acute.findIndex((x) => x.id === a.id);
    if (i >= 0) this.acute[i] = a;
    else this.acute.push(a);
    this.drawAlerts();
  }

  private dropAlert(a: AcuteAlert): void {
    this.acknowledged.add(a.id);
    const focused = this.alerts.contains(document.activeElement);
    this.acute = this.acute.filter((x) => x.id !== a.id);
    this.drawAlerts();
    if (focused) {
      // Keyboard users continue at the next alert, or at the inbox.
      const next = this.alerts.querySelector<HTMLElement>(".acute-alert button");
      if (next) next.focus();
      else focusHeading(this.element.querySelector<HTMLElement>("#inbox-h"));
    }
  }

  private async acknowledge(a: AcuteAlert, button: HTMLButtonElement, error: HTMLElement): Promise<void> {
    button.disabled = true;
    error.textContent = "";
    try {
      const done = await api.acknowledgeAlert(a.id);
      this.alertStatus.textContent = t("staff.alertAcked", { patient: a.patient.name });
      this.dropAlert(done);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.dropAlert(a); // no longer mine to see (moved to another unit)
        return;
      }
      error.textContent = errorText(err);
      button.disabled = false;
    }
  }

  private drawAlerts(): void {
    // Nodes are kept while their text stays the same: a redraw must not read them out again.
    const nodes = this.acute.map((a) => {
      const th = this.threads.find((x) => x.id === a.thread_id);
      const key = [lang(), a.presentation_name, a.reasons.join("|"), th?.subject ?? ""].join("\n");
      const cached = this.alertNodes.get(a.id);
      if (cached && cached.key === key) return cached.node;
      const node = this.alertItem(a, th);
      this.alertNodes.set(a.id, { key, node });
      return node;
    });
    for (const id of [...this.alertNodes.keys()]) {
      if (!this.acute.some((a) => a.id === id)) this.alertNodes.delete(id);
    }
    this.alerts.replaceChildren(...nodes);
    this.alerts.hidden = this.acute.length === 0;
  }

  private alertItem(a: AcuteAlert, th: Thread | undefined): HTMLElement {
    const error = h("p", { class: "form-error" });
    const time = formatTime(a.raised_at);
    const ack: HTMLButtonElement = h("button", {
      type: "button",
      class: "button button-secondary",
      "aria-label": t("staff.alertAckLabel", { patient: a.patient.name }),
      text: t("staff.alertAck"),
      onclick: () => void this.acknowledge(a, ack, error),
    });
    return h(
      "div",
      { class: "acute-alert", role: "alert", "data-alert-id": a.id },
      h(
        "div",
        { class: "acute-alert-text" },
        h("p", {
          class: "acute-alert-title",
          text: t("staff.alertTitle", {
            patient: a.patient.name,
            presentation: a.presentation_name ?? t("staff.alertUnknown"),
          }),
        }),
        h("p", { text: th ? t("staff.alertThread", { subject: th.subject, time }) : t("staff.alertOther", { time }) }),
        a.reasons.length ? h("p", { class: "reasons", text: a.reasons.join(" · ") }) : null,
        error,
      ),
      h(
        "div",
        { class: "acute-alert-actions" },
        th && h("a", { class: "button button-emergency", href: `#/t/${a.thread_id}`, text: t("staff.acuteOpen") }),
        ack,
      ),
    );
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
    if (this.adminOpen) {
      const ids = this.ctx.me.admin_unit_ids;
      this.pane.append(this.adminId ? caseTypeEditorPage(this.ctx, this.adminId) : adminPage(ids));
      return this.pane;
    }
    if (this.newPage) {
      this.pane.append(
        staffNewPage(this.ctx, this.teams, (opened) => {
          this.threads = [opened, ...this.threads.filter((y) => y.id !== opened.id)];
          location.hash = `#/t/${opened.id}`;
        }),
      );
      return this.pane;
    }
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
      consultPanel(
        thread,
        (updated) => {
          this.threads = this.threads.map((y) => (y.id === updated.id ? updated : y));
          this.drawHeader(updated);
        },
        (opened) => {
          this.threads = [opened, ...this.threads.filter((y) => y.id !== opened.id)];
          location.hash = `#/t/${opened.id}`;
        },
      ) ?? "",
      threadFormSlot(this.ctx, thread, "staff"),
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
        fact(t("staff.escalationLabel"), x.escalation_step ? t("staff.escalated", { step: x.escalation_step }) : null),
        fact(t("staff.reasons"), x.routing?.reasons.length ? x.routing.reasons.join(" · ") : null),
      ),
      x.patient_visible ? null : h("p", { class: "hint", text: t("staff.patientHidden") }),
      h(
        "div",
        { class: "actions", role: "group", "aria-label": t("staff.actions") },
        // Only what the server allows (ThreadView.allowed_actions): a colleague of another
        // organisation added to the thread sees no "Ta ärendet", "Flytta" or "Avsluta".
        x.assignee?.id === me
          ? h("span", { class: "assigned-me", text: t("staff.assignedToYou") })
          : allows(x, "assign")
            ? h("button", { type: "button", class: "button button-secondary", text: t("staff.assignMe"), onclick: () => void act(() => api.assign(x.id, me)) })
            : null,
        otherTeams.length && allows(x, "transfer")
          ? h(
              "div",
              { class: "inline-field" },
              h("label", { for: selectId, text: t("staff.transfer") }),
              select,
              h("button", { type: "button", class: "button button-secondary", text: t("staff.transferDo"), onclick: () => void this.transfer(x.id, select.value, error) }),
            )
          : null,
        allows(x, "set_status")
          ? h("button", {
              type: "button",
              class: "button button-secondary",
              text: nextStatus === "closed" ? t("staff.close") : t("staff.reopen"),
              onclick: () => void act(() => api.setStatus(x.id, nextStatus)),
            })
          : null,
        allows(x, "attachments_setting") && h(
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
