// One thread: its messages (live), read receipts, typing, and the composer.
// Shared by the patient view and the staff inbox; `audience` decides the differences.
import { api, ApiError, attachmentIds } from "../api";
import type { AppContext } from "../context";
import { clientId, h, uid } from "../dom";
import { errorText, formatTime } from "../format";
import { t } from "../i18n";
import type { Pending } from "../live/connection";
import type { Emergency, Message, OutgoingMessage, ReadMark, SendResult, Thread } from "../types";
import { attachmentList, FilePicker } from "./attachments";
import { emergencyAlert, emergencyNote, safetyNetNote } from "./emergency";
import { allows, standardAnswerPicker } from "../cases/staff";
import { tc } from "../cases/i18n";

const PAGE = 50;
const TYPING_SHOW_MS = 5000;
const TYPING_SEND_EVERY_MS = 3000;

export interface ConversationOptions {
  ctx: AppContext;
  thread: Thread;
  audience: "patient" | "staff";
  /** The user has read up to the end: counters elsewhere can drop to zero. */
  onRead?: (threadId: string, seq: number) => void;
  onSent?: (result: SendResult) => void;
  /** An emergency answer from a send that started this thread (shown at once). */
  emergency?: Emergency | null;
}

export class Conversation {
  readonly element: HTMLElement;
  private readonly log: HTMLOListElement;
  private readonly nodes = new Map<number, HTMLElement>();
  private readonly pendingNodes = new Map<string, HTMLElement>();
  private readonly receipt = h("p", { class: "receipt", role: "status" });
  private readonly typingLine = h("p", { class: "typing", "aria-live": "polite" });
  private readonly alertSlot = h("div", { class: "alert-slot" });
  private readonly olderButton: HTMLButtonElement;
  private readonly composerError = h("div", { class: "form-error composer-error", role: "alert" });
  private readonly unsubscribe: (() => void)[] = [];
  private marks: ReadMark[] = [];
  private readSent = 0;
  private typingTimer: number | undefined;
  private lastTypingSent = 0;
  private noteMode = false;
  private textarea: HTMLTextAreaElement | null = null;
  private picker: FilePicker | null = null;
  private sendButton: HTMLButtonElement | null = null;

  constructor(private readonly opts: ConversationOptions) {
    const { thread } = opts;
    this.status = thread.status;
    this.statusSeq = thread.last_seq;
    this.attachmentsAllowed = thread.attachments_allowed;
    this.settingSeq = thread.last_seq;
    this.composerSlot.append(this.composer());
    this.log = h("ol", { class: "message-log" });
    this.olderButton = h("button", {
      type: "button",
      class: "button button-quiet older",
      text: t("thread.older"),
      onclick: () => void this.loadOlder(),
    });
    this.olderButton.hidden = true;
    this.element = h(
      "section",
      { class: "conversation", "aria-label": thread.subject },
      this.alertSlot,
      this.olderButton,
      // role=log: new messages are read out by screen readers as they arrive
      h("div", { role: "log", "aria-live": "polite", "aria-label": t("thread.messages") }, this.log),
      this.receipt,
      this.typingLine,
      this.composerSlot,
    );
    if (opts.emergency) this.showEmergency(opts.emergency.reply);

    const live = opts.ctx.live;
    for (const m of live.store.thread(thread.id).list()) this.place(m);
    this.unsubscribe.push(
      live.store.subscribe((threadId, added) => {
        if (threadId !== thread.id) return;
        for (const m of added) this.place(m);
        this.drawPending();
        this.updateReceipt();
        this.markRead();
      }),
      live.onPending((threadId) => {
        if (threadId === thread.id) this.drawPending();
      }),
      live.listen({
        read: (e) => {
          if (e.thread_id === thread.id && e.user_id !== opts.ctx.me.user.id) void this.loadMarks();
        },
        typing: (e) => {
          if (e.thread_id === thread.id && e.user_id !== opts.ctx.me.user.id) this.showTyping(e.name);
        },
        resynced: () => {
          // The first page failed while the connection was down: it is not caught up, load it.
          if (!live.store.thread(thread.id).loaded) void this.load();
          void this.loadMarks();
          this.markRead();
        },
      }),
    );
    const onVisible = (): void => this.markRead();
    document.addEventListener("visibilitychange", onVisible);
    this.unsubscribe.push(() => document.removeEventListener("visibilitychange", onVisible));
    this.drawPending();
    this.markRead(); // what is already known is seen now; load() marks the rest
  }

  async load(): Promise<void> {
    const store = this.opts.ctx.live.store;
    const id = this.opts.thread.id;
    try {
      const page = await api.history(id, { limit: PAGE });
      if (page.length < PAGE) store.thread(id).hasOlder = false;
      store.add(page);
      store.thread(id).loaded = true;
      this.composerError.textContent = "";
      this.olderButton.hidden = !store.thread(id).hasOlder;
    } catch (err) {
      this.composerError.textContent = errorText(err);
    }
    if (this.log.childElementCount === 0) {
      this.log.append(h("li", { class: "empty", text: t("thread.empty") }));
    }
    await this.loadMarks();
    this.markRead();
  }

  destroy(): void {
    for (const u of this.unsubscribe) u();
    window.clearTimeout(this.typingTimer);
    this.picker?.clear();
  }

  focusComposer(): void {
    this.textarea?.focus();
  }

  /** Fresh thread data (after a refresh of the list): settings may have changed. */
  updateThread(thread: Thread): void {
    this.applyAttachmentsAllowed(thread.attachments_allowed, thread.last_seq);
    this.applyStatus(thread.status, thread.last_seq);
  }

  /** A closed thread takes no more patient messages: the composer says so (and comes back). */
  private applyStatus(status: string, asOfSeq: number): void {
    if (asOfSeq < this.statusSeq) return;
    this.statusSeq = asOfSeq;
    const wasClosed = this.status === "closed";
    this.status = status;
    if (this.opts.audience === "patient" && wasClosed !== (status === "closed")) {
      this.picker?.clear();
      this.composerSlot.replaceChildren(this.composer());
    }
  }

  /** Show the file picker to the patient only while the team allows attachments. The
   * newest fact wins: a setting message or a thread snapshot, ordered by seq. */
  private applyAttachmentsAllowed(allowed: boolean, asOfSeq: number): void {
    if (asOfSeq < this.settingSeq) return;
    this.settingSeq = asOfSeq;
    this.attachmentsAllowed = allowed;
    if (this.picker && this.opts.audience === "patient") this.picker.element.hidden = !allowed;
  }

  showEmergency(reply: string): void {
    const box = emergencyAlert(reply, () => this.alertSlot.replaceChildren());
    this.alertSlot.replaceChildren(box);
    box.focus();
  }

  // -- messages ------------------------------------------------------------------------------

  private place(m: Message): void {
    if (this.nodes.has(m.seq)) return;
    this.log.querySelector(".empty")?.remove();
    const event = m.event?.["type"];
    if (event === "file_request") this.applyAttachmentsAllowed(true, m.seq);
    if (event === "attachments") this.applyAttachmentsAllowed(Boolean(m.event?.["allowed"]), m.seq);
    if (event === "status" || event === "file_request") {
      this.applyStatus(event === "status" ? String(m.event?.["status"]) : "waiting_for_patient", m.seq);
    }
    const node = this.messageNode(m);
    this.nodes.set(m.seq, node);
    let before: HTMLElement | null = null;
    for (const [seq, el] of this.nodes) {
      if (seq > m.seq && (before === null || seq < Number(before.dataset["seq"]))) before = el;
    }
    this.log.insertBefore(node, before ?? this.firstPendingNode());
  }

  private firstPendingNode(): HTMLElement | null {
    return this.log.querySelector<HTMLElement>(".message-pending");
  }

  private isMine(m: Message): boolean {
    return m.author?.id === this.opts.ctx.me.user.id;
  }

  private authorLabel(m: Message): string {
    if (!m.author) return t("thread.system");
    if (this.isMine(m)) return t("thread.you");
    return m.author.profession ? `${m.author.name}, ${m.author.profession}` : m.author.name;
  }

  private messageNode(m: Message): HTMLElement {
    const classes = ["message"];
    if (m.kind === "internal_note") classes.push("message-note");
    else if (m.kind === "system") classes.push("message-system");
    else classes.push(this.isMine(m) ? "message-mine" : "message-theirs");
    const li = h("li", { class: classes.join(" "), "data-seq": m.seq, "data-message-id": m.id });
    if (m.kind === "system" && m.event?.["type"] === "emergency") {
      li.classList.add("message-emergency");
      li.append(emergencyNote(m.body));
      return li;
    }
    if (m.kind === "system" && m.event?.["type"] === "safety_net") {
      li.classList.add("message-safety-net");
      li.append(safetyNetNote(m.body));
      return li;
    }
    const meta = h(
      "p",
      { class: "message-meta" },
      m.kind === "internal_note" ? h("span", { class: "note-label", text: t("staff.internalNote") }) : null,
      h("span", { class: "message-author", text: this.authorLabel(m) }),
      h("time", { datetime: m.created_at, text: formatTime(m.created_at) }),
    );
    li.append(meta, h("p", { class: "message-body", text: m.body }));
    if (m.attachments && m.attachments.length > 0) li.append(attachmentList(m.attachments));
    if (m.event?.["type"] === "file_request") {
      li.append(h("p", { class: "file-request", text: t("thread.requestFiles") }));
    }
    return li;
  }

  private drawPending(): void {
    const live = this.opts.ctx.live;
    const stored = new Set(
      live.store
        .thread(this.opts.thread.id)
        .list()
        .map((m) => m.client_id),
    );
    const wanted = live.pending(this.opts.thread.id).filter((p) => !stored.has(p.message.client_id));
    const keep = new Set(wanted.map((p) => p.message.client_id));
    for (const [cid, node] of this.pendingNodes) {
      if (!keep.has(cid)) {
        node.remove();
        this.pendingNodes.delete(cid);
      }
    }
    for (const p of wanted) {
      const node = this.pendingNodes.get(p.message.client_id) ?? this.pendingNode(p);
      this.pendingNodes.set(p.message.client_id, node);
      const status = node.querySelector(".message-status");
      if (status) status.textContent = p.state === "failed" ? errorText(p.error) : t("thread.sending");
      const discard = node.querySelector<HTMLButtonElement>(".discard");
      if (discard) discard.hidden = p.state !== "failed";
      this.log.append(node); // pending messages stay last, in the order written
    }
  }

  private pendingNode(p: Pending): HTMLElement {
    const note = p.message.kind === "internal_note";
    this.log.querySelector(".empty")?.remove();
    return h(
      "li",
      { class: `message ${note ? "message-note" : "message-mine"} message-pending` },
      h(
        "p",
        { class: "message-meta" },
        note ? h("span", { class: "note-label", text: t("staff.internalNote") }) : null,
        h("span", { class: "message-author", text: t("thread.you") }),
      ),
      h("p", { class: "message-body", text: p.message.body }),
      h("p", { class: "message-status", text: t("thread.sending") }),
      h("button", {
        type: "button",
        class: "button button-quiet discard",
        hidden: true,
        text: t("thread.discard"),
        onclick: () => this.opts.ctx.live.discard(p.message.client_id),
      }),
    );
  }

  private async loadOlder(): Promise<void> {
    const store = this.opts.ctx.live.store;
    const msgs = store.thread(this.opts.thread.id);
    const first = msgs.firstSeq;
    if (first === null || first <= 1) {
      msgs.hasOlder = false;
      this.olderButton.hidden = true;
      return;
    }
    try {
      const page = await api.history(this.opts.thread.id, { before_seq: first, limit: PAGE });
      if (page.length < PAGE) msgs.hasOlder = false;
      store.add(page);
    } catch (err) {
      this.composerError.textContent = errorText(err);
    }
    this.olderButton.hidden = !msgs.hasOlder;
  }

  // -- read receipts -------------------------------------------------------------------------

  private async loadMarks(): Promise<void> {
    try {
      this.marks = await api.readMarks(this.opts.thread.id);
    } catch {
      return;
    }
    this.updateReceipt();
  }

  private updateReceipt(): void {
    const mine = this.opts.ctx.live.store
      .thread(this.opts.thread.id)
      .list()
      .filter((m) => this.isMine(m) && m.kind === "text");
    const last = mine[mine.length - 1];
    if (!last) {
      this.receipt.textContent = "";
      return;
    }
    const me = this.opts.ctx.me.user.id;
    const readers = this.marks.filter((mk) => mk.user.id !== me && mk.seq >= last.seq);
    if (this.opts.audience === "patient") {
      const byCare = readers.some((mk) => mk.user.kind === "staff");
      this.receipt.textContent = byCare ? t("thread.readByCare") : t("thread.notReadYet");
    } else {
      const patients = readers.filter((mk) => mk.user.kind !== "staff").map((mk) => mk.user.name);
      this.receipt.textContent = patients.length
        ? t("thread.readBy", { names: patients.join(", ") })
        : "";
    }
    this.receipt.classList.toggle("receipt-read", readers.length > 0);
  }

  private markRead(): void {
    if (document.visibilityState === "hidden") return;
    const id = this.opts.thread.id;
    const last = this.opts.ctx.live.store.thread(id).lastSeq;
    if (last <= this.readSent || last <= 0) return;
    this.readSent = last;
    api
      .markRead(id, last)
      .then((r) => this.opts.onRead?.(id, r.seq))
      .catch(() => {
        this.readSent = 0; // try again with the next message or reconnect
      });
  }

  private showTyping(name: string): void {
    this.typingLine.textContent = t("thread.typing", { name });
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => (this.typingLine.textContent = ""), TYPING_SHOW_MS);
  }

  // -- composer ------------------------------------------------------------------------------

  private composer(): HTMLElement {
    const { audience } = this.opts;
    this.textarea = null;
    this.picker = null;
    this.sendButton = null;
    this.requestFilesBox = null;
    if (audience === "patient" && this.status === "closed") {
      return h(
        "div",
        { class: "composer composer-closed" },
        h("p", { text: t("thread.closedPatient") }),
        h("a", { class: "button button-primary", href: "#/new", text: t("patient.newMessage") }),
      );
    }
    const textId = uid("reply");
    const hintId = uid("reply-hint");
    const hint = h("p", { id: hintId, class: "hint" });
    const label = h("label", { for: textId, text: t("compose.reply") });
    this.textarea = h("textarea", {
      id: textId,
      name: "body",
      rows: 4,
      maxlength: 10000,
      "aria-describedby": hintId,
      oninput: () => this.sendTyping(),
      onkeydown: (e: Event) => {
        const k = e as KeyboardEvent;
        if (k.key === "Enter" && (k.ctrlKey || k.metaKey)) {
          e.preventDefault();
          void this.submit();
        }
      },
    });
    const form = h("form", {
      class: "composer stack",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void this.submit();
      },
    });
    let requestFiles: HTMLInputElement | null = null;
    if (audience === "staff") {
      const name = uid("mode");
      const radio = (note: boolean, text: string): HTMLElement => {
        const id = uid("mode-opt");
        return h(
          "div",
          { class: "choice" },
          h("input", {
            type: "radio",
            id,
            name,
            value: note ? "internal_note" : "text",
            checked: note === this.noteMode,
            onchange: () => {
              this.noteMode = note;
              form.classList.toggle("composer-note", note);
              hint.textContent = note ? t("staff.noteHint") : "";
              label.textContent = note ? t("compose.note") : t("compose.reply");
              if (requestFiles) requestFiles.disabled = note;
            },
          }),
          h("label", { for: id, text }),
        );
      };
      form.append(
        h(
          "fieldset",
          { class: "mode-switch" },
          h("legend", { class: "visually-hidden", text: t("staff.actions") }),
          radio(false, allows(this.opts.thread, "reply_patient") ? t("staff.modeReply") : tc("mode.colleagues")),
          radio(true, t("staff.modeNote")),
        ),
      );
    }
    form.append(h("div", { class: "field" }, label, hint, this.textarea));
    if (audience === "staff") form.append(standardAnswerPicker(this.opts.thread, this.textarea));
    if (audience === "staff" && allows(this.opts.thread, "request_files")) {
      const id = uid("request-files");
      requestFiles = h("input", { type: "checkbox", id, name: "request_files" });
      form.append(h("div", { class: "choice" }, requestFiles, h("label", { for: id, text: t("staff.requestFiles") })));
    }
    // Hidden while the team has turned attachments off; a file request turns them on.
    this.picker = new FilePicker();
    this.picker.element.hidden = audience === "patient" && !this.attachmentsAllowed;
    form.append(this.picker.element);
    this.sendButton = h("button", { type: "submit", class: "button button-primary", text: t("compose.send") });
    form.append(this.composerError, h("div", { class: "composer-actions" }, this.sendButton));
    this.requestFilesBox = requestFiles;
    return form;
  }

  private requestFilesBox: HTMLInputElement | null = null;
  private readonly composerSlot = h("div", { class: "composer-slot" });
  private status = "open";
  private statusSeq = 0;
  private attachmentsAllowed = true;
  private settingSeq = 0;

  private sendTyping(): void {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent = now;
    this.opts.ctx.live.typing(this.opts.thread.id, this.noteMode);
  }

  private async submit(): Promise<void> {
    if (!this.textarea || !this.sendButton) return;
    const body = this.textarea.value.trim();
    this.composerError.textContent = "";
    if (!body) {
      this.composerError.textContent = t("compose.empty");
      this.textarea.focus();
      return;
    }
    const message: OutgoingMessage = {
      client_id: clientId(),
      body,
      kind: this.noteMode ? "internal_note" : "text",
    };
    if (this.requestFilesBox?.checked && !this.noteMode) message.request_files = true;
    const files = this.picker?.chosen ?? [];
    this.sendButton.disabled = true;
    try {
      if (files.length > 0) {
        this.sendButton.textContent = t("files.uploading");
        try {
          const answer = await api.uploadAttachments(this.opts.thread.id, files);
          message.attachment_ids = attachmentIds(answer);
        } catch (err) {
          this.composerError.textContent = errorText(err);
          return;
        }
      }
      this.textarea.value = "";
      this.picker?.clear();
      if (this.requestFilesBox) this.requestFilesBox.checked = false;
      try {
        const result = await this.opts.ctx.live.send(this.opts.thread.id, message);
        if (result?.emergency) this.showEmergency(result.emergency.reply);
        if (result) this.opts.onSent?.(result);
      } catch (err) {
        if (err instanceof ApiError && err.code === "network") return; // sent after reconnect
        this.opts.ctx.live.discard(message.client_id);
        if (!this.textarea.value) this.textarea.value = body;
        this.composerError.textContent = errorText(err);
      }
    } finally {
      this.sendButton.disabled = false;
      this.sendButton.textContent = t("compose.send");
    }
  }
}
