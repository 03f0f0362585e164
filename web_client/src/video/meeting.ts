// The meeting window: a modal <dialog> outside the app's views, so a redraw of the inbox or
// the thread never cuts a call. Screens: camera/microphone check → (waiting room) → meeting →
// a closing message (ended, removed, left). Every text through t().
import { api, type Colleague } from "../api";
import { focusHeading, h, uid } from "../dom";
import { errorText } from "../format";
import { hasKey, locale, t, type Key } from "../i18n";
import type { MeetingParticipant } from "../types";
import { MeetingSession, type ChatLine, type Quality, type SessionEvent } from "./session";

export interface MeetingOptions {
  meetingId: string;
  threadId: string | null;
  title: string;
  /** My role as the REST API tells it: hosts and staff go straight in, others wait. */
  role: string;
  userName: string;
  invite?: string;
  onClosed?: () => void;
}

interface Tile {
  figure: HTMLElement;
  video: HTMLVideoElement;
  caption: HTMLElement;
  empty: HTMLElement;
}

export function roleLabel(role: string): string {
  const key = `video.role.${role}`;
  return hasKey(key) ? t(key) : role;
}

function codeText(code: string): string {
  const key = `error.${code}`;
  return hasKey(key) ? t(key as Key) : t("error.generic");
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

export class MeetingDialog {
  readonly dialog: HTMLDialogElement;
  session: MeetingSession | null = null;
  private preview: MediaStream | null = null;
  private devicesAsked = false;
  private devices: Promise<void> = Promise.resolve();
  private joining = false;
  private audioOn = true;
  private videoOn = true;
  private readonly headingId = uid("video-title");
  private readonly inner: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly noticeEl: HTMLElement;
  private readonly tiles = new Map<string, Tile>();
  private stage: HTMLElement | null = null;
  private side: HTMLElement | null = null;
  private controls: HTMLElement | null = null;
  private confirmEnd = false;
  private invite: { name: string; url: string } | null = null;
  private lastPhase = "";
  private chatList: HTMLElement | null = null;
  private chatError: HTMLElement | null = null;
  private colleagues: { query: string; found: Colleague[] | null; invited: Set<string>; message: string } = {
    query: "",
    found: null,
    invited: new Set(),
    message: "",
  };
  private qualities = new Map<string, Quality>();
  private qualityTimer: number | null = null;

  constructor(readonly opts: MeetingOptions) {
    this.dialog = h("dialog", { class: "video-dialog", "aria-labelledby": this.headingId });
    this.inner = h("div", { class: "video-inner" });
    this.statusEl = h("p", { class: "video-status", role: "status" });
    this.noticeEl = h("div", { class: "video-notice", role: "alert" });
    this.dialog.append(this.inner);
    this.dialog.addEventListener("cancel", (e) => {
      // Escape closes the check and the closing message, never a running call by accident.
      e.preventDefault();
      if (!this.inCall()) this.close();
    });
  }

  get threadId(): string | null {
    return this.opts.threadId;
  }

  private get waits(): boolean {
    return this.opts.role === "patient" || this.opts.role === "guest";
  }

  inCall(): boolean {
    const p = this.session?.phase;
    return p === "connecting" || p === "waiting" || p === "meeting";
  }

  open(): void {
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.render();
    this.devices = this.askDevices();
  }

  show(): void {
    if (!this.dialog.open) this.dialog.showModal();
    focusHeading(this.dialog.querySelector("h2"));
  }

  close(): void {
    if (this.qualityTimer !== null) window.clearInterval(this.qualityTimer);
    this.session?.stop();
    for (const track of this.preview?.getTracks() ?? []) track.stop();
    if (this.dialog.open) this.dialog.close();
    this.dialog.remove();
    this.opts.onClosed?.();
  }

  /** Draw again (a language change). */
  render(): void {
    const phase = this.session?.phase ?? "check";
    const focusTitle = phase !== this.lastPhase;
    this.lastPhase = phase;
    this.stage = this.side = this.controls = null;
    if (phase === "check") this.inner.replaceChildren(...this.checkScreen());
    else if (phase === "connecting") this.inner.replaceChildren(...this.simpleScreen(this.opts.title, t("video.connecting"), false));
    else if (phase === "waiting") this.inner.replaceChildren(...this.waitingScreen());
    else if (phase === "meeting") this.inner.replaceChildren(...this.meetingScreen());
    else this.inner.replaceChildren(...this.simpleScreen(this.opts.title, this.closingText(), true));
    this.replayVideos();
    if (focusTitle) focusHeading(this.inner.querySelector("h2"));
  }

  private heading(text: string): HTMLHeadingElement {
    return h("h2", { id: this.headingId, class: "video-title", text });
  }

  // -- camera and microphone check -------------------------------------------------------

  private async askDevices(): Promise<void> {
    const tries: MediaStreamConstraints[] = [
      { audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } },
      { video: true },
      { audio: true },
    ];
    for (const c of tries) {
      try {
        this.preview = await navigator.mediaDevices.getUserMedia(c);
        break;
      } catch {
        // try with less
      }
    }
    this.devicesAsked = true;
    if (!this.session && !this.joining) this.render();
  }

  private checkScreen(): HTMLElement[] {
    const video = this.tileFor("local", t("video.preview")).figure;
    const state = !this.devicesAsked
      ? t("video.checkAsking")
      : this.preview
        ? t("video.checkReady")
        : t("video.noDevices");
    const join = h("button", {
      type: "button",
      class: "button button-primary",
      text: this.waits ? t("video.enterWaiting") : t("video.enterMeeting"),
      "data-join": "",
      disabled: this.joining,
      onclick: () => void this.join(),
    });
    return [
      this.heading(t("video.checkTitle")),
      h("p", { class: "lead", text: t("video.checkIntro") }),
      h("p", { class: this.preview || !this.devicesAsked ? "hint" : "form-error", role: "status", text: state }),
      h("div", { class: "video-check" }, video),
      this.mediaToggles(),
      h(
        "div",
        { class: "actions" },
        join,
        h("button", { type: "button", class: "button button-secondary", text: t("video.cancel"), onclick: () => this.close() }),
      ),
    ];
  }

  private mediaToggles(): HTMLElement {
    const stream = this.session?.local ?? this.preview;
    const hasAudio = (stream?.getAudioTracks().length ?? 0) > 0;
    const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
    const audioOn = this.session ? this.session.audioOn : this.audioOn;
    const videoOn = this.session ? this.session.videoOn : this.videoOn;
    const mic = h("button", {
      type: "button",
      class: `button ${audioOn ? "button-secondary" : "button-off"}`,
      text: audioOn ? t("video.micOff") : t("video.micOn"),
      disabled: !hasAudio,
      "data-toggle": "mic",
      onclick: () => this.toggle("audio"),
    });
    const cam = h("button", {
      type: "button",
      class: `button ${videoOn ? "button-secondary" : "button-off"}`,
      text: videoOn ? t("video.camOff") : t("video.camOn"),
      disabled: !hasVideo,
      "data-toggle": "cam",
      onclick: () => this.toggle("video"),
    });
    return h("div", { class: "actions video-toggles" }, mic, cam);
  }

  private toggle(kind: "audio" | "video"): void {
    const which = kind === "audio" ? "mic" : "cam";
    if (this.session) {
      if (kind === "audio") this.session.setAudio(!this.session.audioOn);
      else this.session.setVideo(!this.session.videoOn);
    } else {
      if (kind === "audio") this.audioOn = !this.audioOn;
      else this.videoOn = !this.videoOn;
      for (const track of this.preview?.getAudioTracks() ?? []) track.enabled = this.audioOn;
      for (const track of this.preview?.getVideoTracks() ?? []) track.enabled = this.videoOn;
      this.render();
    }
    this.inner.querySelector<HTMLElement>(`[data-toggle="${which}"]`)?.focus();
  }

  private async join(): Promise<void> {
    if (this.joining) return;
    this.joining = true;
    this.inner.querySelector<HTMLButtonElement>("[data-join]")?.setAttribute("disabled", "");
    await this.devices; // the camera goes with us: never join before the browser answered
    if (!this.dialog.isConnected) return; // cancelled meanwhile
    const session = new MeetingSession(this.opts.meetingId, this.preview, {
      audio: this.audioOn,
      video: this.videoOn,
      invite: this.opts.invite,
    });
    this.session = session;
    session.on((e) => this.onSession(e));
    session.start();
    this.qualityTimer = window.setInterval(() => void this.measure(), 3000);
    this.render();
  }

  // -- waiting room ----------------------------------------------------------------------

  private waitingScreen(): HTMLElement[] {
    return [
      this.heading(t("video.waitingTitle")),
      h(
        "div",
        { class: "video-waiting" },
        h("p", { class: "video-waiting-body", text: t("video.waitingBody") }),
        h("p", { class: "hint", text: t("video.waitingHint") }),
        h("div", { class: "video-check" }, this.tileFor("local", this.selfLabel()).figure),
      ),
      this.noticeEl,
      this.mediaToggles(),
      h("div", { class: "actions" }, this.leaveButton()),
    ];
  }

  private leaveButton(): HTMLButtonElement {
    return h("button", {
      type: "button",
      class: "button button-secondary",
      text: t("video.leave"),
      onclick: () => void this.session?.leave(),
    });
  }

  // -- the meeting -----------------------------------------------------------------------

  private meetingScreen(): HTMLElement[] {
    this.stage = h("section", { class: "video-stage", "aria-label": t("video.videos") });
    this.controls = h("div", { class: "video-controls", role: "group", "aria-label": t("video.controls") });
    this.side = h("div", { class: "video-side" });
    this.drawStage();
    this.drawControls();
    this.drawSide();
    return [
      this.heading(this.opts.title),
      this.statusEl,
      this.noticeEl,
      h("div", { class: "video-meeting" }, h("div", { class: "video-main" }, this.stage, this.controls), this.side),
    ];
  }

  private selfLabel(): string {
    const me = this.session?.me;
    const name = t("video.you", { name: me?.name ?? this.opts.userName });
    return me ? `${name}, ${roleLabel(me.role)}` : name;
  }

  private others(): MeetingParticipant[] {
    const myId = this.session?.me?.id;
    return [...(this.session?.participants.values() ?? [])].filter((p) => p.id !== myId);
  }

  private drawStage(): void {
    const stage = this.stage;
    const s = this.session;
    if (!stage || !s) return;
    // The others first, the own picture last (and small on a phone).
    const wanted: Tile[] = [];
    const others = this.others();
    // A shared screen first, shown large to everyone else.
    const ordered = [...others].sort((a, b) => Number(b.screen) - Number(a.screen));
    for (const p of ordered) {
      const tile = this.tileFor(p.id, `${p.name}, ${roleLabel(p.role)}`);
      const stream = s.remote.get(p.id) ?? null;
      if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
      // A picture while their camera is on or they share: a staff member without a camera
      // still has a video track over the SFU (empty, or the last frame of a stopped share).
      showPicture(tile, !!stream && stream.getVideoTracks().length > 0 && (p.video || p.screen));
      tile.figure.classList.toggle("video-tile-screen", p.screen);
      wanted.push(tile);
    }
    stage.classList.toggle("video-stage-screen", ordered.some((p) => p.screen));
    wanted.push(this.tileFor("local", this.selfLabel()));
    for (const [pid, tile] of this.tiles) {
      if (pid !== "local" && !others.some((p) => p.id === pid)) {
        tile.video.srcObject = null;
        tile.figure.remove();
        this.tiles.delete(pid);
      }
    }
    // Keep elements in place (moving a playing <video> pauses it): append only what is new.
    wanted.forEach((tile, i) => {
      if (stage.children[i] !== tile.figure) stage.insertBefore(tile.figure, stage.children[i] ?? null);
    });
    stage.querySelector(".video-alone")?.remove();
    if (!others.length) stage.append(h("p", { class: "video-alone hint", text: t("video.alone") }));
    this.replayVideos();
  }

  /** The <video> for a participant ("local" for the own camera), made once and reused. */
  private tileFor(pid: string, label: string): Tile {
    let tile = this.tiles.get(pid);
    if (!tile) {
      const video = h("video", { autoplay: true, playsinline: true, class: "video-el" });
      video.autoplay = true;
      video.playsInline = true;
      if (pid === "local") {
        video.muted = true; // never hear yourself
        video.classList.add("video-self");
      }
      const empty = h("span", { class: "video-empty", "aria-hidden": "true", text: t("video.noPicture") });
      const caption = h("figcaption", { class: "video-caption" });
      const figure = h("figure", { class: "video-tile", "data-pid": pid }, video, empty, caption);
      tile = { figure, video, caption, empty };
      this.tiles.set(pid, tile);
    }
    if (pid === "local") {
      const stream = this.session?.screenStream ?? this.session?.local ?? this.preview;
      if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
      const videoOn = this.session ? this.session.videoOn || !!this.session.screenTrack : this.videoOn;
      showPicture(tile, !!stream && stream.getVideoTracks().length > 0 && videoOn);
    }
    tile.video.setAttribute("aria-label", label);
    if (pid === "local") tile.video.classList.toggle("video-self", !this.session?.screenTrack);
    const quality = this.qualities.get(pid);
    tile.caption.textContent = label + this.mediaNote(pid);
    if (quality) {
      tile.caption.append(
        h("span", { class: `video-quality video-quality-${quality}`, "data-quality": quality, text: ` · ${t(`video.quality.${quality}` as Key)}` }),
      );
    }
    tile.empty.textContent = t("video.noPicture");
    return tile;
  }

  /** " – mikrofonen av" on a tile whose microphone or camera is off. */
  private mediaNote(pid: string): string {
    const s = this.session;
    const state =
      pid === "local"
        ? { audio: s ? s.audioOn : this.audioOn, video: s ? s.cameraOn : this.videoOn }
        : s?.participants.get(pid);
    if (!state) return "";
    const sharing = pid === "local" ? !!s?.screenTrack : "screen" in state && state.screen;
    const off = [
      sharing ? t("video.sharingScreen") : null,
      state.audio ? null : t("video.audioOff"),
      state.video ? null : t("video.videoOff"),
    ].filter(Boolean);
    return off.length ? ` – ${off.join(", ")}` : "";
  }

  private replayVideos(): void {
    for (const tile of this.tiles.values()) {
      if (tile.video.srcObject && tile.video.paused && tile.video.isConnected) {
        tile.video.play().catch(() => undefined);
      }
    }
  }

  private drawControls(): void {
    const c = this.controls;
    const s = this.session;
    if (!c || !s) return;
    c.replaceChildren(this.mediaToggles());
    if (s.canShare) {
      const sharing = !!s.screenTrack;
      c.append(
        h("button", {
          type: "button",
          class: `button ${sharing ? "button-off" : "button-secondary"}`,
          "data-toggle": "screen",
          "aria-pressed": String(sharing),
          text: sharing ? t("video.shareStop") : t("video.shareStart"),
          onclick: () =>
            void (sharing ? s.stopScreen() : s.startScreen()).catch(() => this.notice(t("video.shareFailed"))),
        }),
      );
    }
    c.append(this.leaveButton());
    if (s.isHost) {
      if (this.confirmEnd) {
        c.append(
          h(
            "div",
            { class: "video-confirm" },
            h("p", { text: t("video.endAsk") }),
            h("button", {
              type: "button",
              class: "button button-danger",
              text: t("video.endConfirm"),
              onclick: () => void s.end().catch((err: unknown) => this.notice(errorFromCall(err))),
            }),
            h("button", {
              type: "button",
              class: "button button-secondary",
              text: t("video.cancel"),
              onclick: () => {
                this.confirmEnd = false;
                this.drawControls();
                c.querySelector<HTMLElement>("[data-end]")?.focus();
              },
            }),
          ),
        );
        c.querySelector<HTMLElement>(".video-confirm .button-danger")?.focus();
      } else {
        c.append(
          h("button", {
            type: "button",
            class: "button button-danger",
            "data-end": "",
            text: t("video.endAll"),
            onclick: () => {
              this.confirmEnd = true;
              this.drawControls();
              c.querySelector<HTMLElement>(".video-confirm .button-danger")?.focus();
            },
          }),
        );
      }
    }
  }

  private drawSide(): void {
    const side = this.side;
    const s = this.session;
    if (!side || !s) return;
    const hadFocus = side.contains(document.activeElement);
    side.replaceChildren();
    if (s.isHost) side.append(this.waitingRoomPanel());
    side.append(this.participantsPanel(), this.chatPanel());
    if (s.isHost) side.append(this.colleaguePanel(), this.invitePanel());
    if (hadFocus && !side.contains(document.activeElement)) {
      focusHeading(side.querySelector("h3"));
    }
  }

  private waitingRoomPanel(): HTMLElement {
    const s = this.session as MeetingSession;
    const id = uid("waiting");
    const list = h("ul", { class: "video-people" });
    for (const p of s.waiting) {
      list.append(
        h(
          "li",
          { class: "video-person" },
          h(
            "div",
            {},
            h("strong", { text: p.name }),
            h("span", { class: "hint", text: ` – ${roleLabel(p.role)}, ${t("video.waitingSince", { time: clock(p.since) })}` }),
          ),
          h("button", {
            type: "button",
            class: "button button-primary",
            text: t("video.admit"),
            "aria-label": t("video.admitLabel", { name: p.name }),
            onclick: () => void s.admit(p.id).catch((err: unknown) => this.notice(errorFromCall(err))),
          }),
        ),
      );
    }
    return h(
      "section",
      { class: "video-panel video-waiting-room", "aria-labelledby": id },
      h("h3", { id, text: t("video.waitingRoom", { n: s.waiting.length }) }),
      s.waiting.length ? list : h("p", { class: "hint", text: t("video.waitingNone") }),
    );
  }

  private participantsPanel(): HTMLElement {
    const s = this.session as MeetingSession;
    const id = uid("participants");
    const list = h("ul", { class: "video-people" });
    const all = [...s.participants.values()];
    for (const p of all) {
      const mine = p.id === s.me?.id;
      const facts = [roleLabel(p.role), p.profession, p.audio ? null : t("video.audioOff"), p.video ? null : t("video.videoOff")]
        .filter(Boolean)
        .join(", ");
      const row = h(
        "li",
        { class: "video-person" },
        h(
          "div",
          {},
          h("strong", { text: mine ? t("video.you", { name: p.name }) : p.name }),
          h("span", { class: "hint", text: ` – ${facts}` }),
        ),
      );
      if (s.isHost && !mine) {
        row.append(
          h(
            "div",
            { class: "actions" },
            h("button", {
              type: "button",
              class: "button button-secondary",
              text: t("video.askMute"),
              "aria-label": t("video.askMuteLabel", { name: p.name }),
              onclick: () =>
                void s.askMute(p.id).then(
                  () => this.announce(t("video.muteAsked", { name: p.name })),
                  (err: unknown) => this.notice(errorFromCall(err)),
                ),
            }),
            h("button", {
              type: "button",
              class: "button button-secondary",
              text: t("video.remove"),
              "aria-label": t("video.removeLabel", { name: p.name }),
              onclick: () => void s.remove(p.id).catch((err: unknown) => this.notice(errorFromCall(err))),
            }),
          ),
        );
      }
      list.append(row);
    }
    return h(
      "section",
      { class: "video-panel", "aria-labelledby": id },
      h("h3", { id, text: t("video.participants", { n: all.length }) }),
      list,
    );
  }

  private invitePanel(): HTMLElement {
    const id = uid("invite");
    const inputId = uid("guest");
    const input = h("input", { id: inputId, type: "text", autocomplete: "off", maxlength: 120, required: true });
    const error = h("p", { class: "form-error", role: "alert" });
    const form = h(
      "form",
      { class: "stack" },
      h("div", { class: "field" }, h("label", { for: inputId, text: t("video.inviteName") }), input),
      error,
      h("button", { type: "submit", class: "button button-secondary", text: t("video.inviteCreate") }),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return input.focus();
      error.textContent = "";
      api.inviteGuest(this.opts.meetingId, name).then(
        (inv) => {
          this.invite = { name, url: inv.url };
          this.drawSide();
          this.side?.querySelector<HTMLElement>(".video-invite-link input")?.focus();
        },
        (err: unknown) => (error.textContent = errorText(err)),
      );
    });
    const panel = h("section", { class: "video-panel", "aria-labelledby": id }, h("h3", { id, text: t("video.inviteTitle") }), form);
    if (this.invite) {
      const linkId = uid("link");
      const copied = h("p", { class: "hint", role: "status" });
      const link = h("input", { id: linkId, type: "text", readonly: true, value: this.invite.url });
      panel.append(
        h(
          "div",
          { class: "field video-invite-link" },
          h("label", { for: linkId, text: t("video.inviteLink", { name: this.invite.name }) }),
          link,
          h("button", {
            type: "button",
            class: "button button-secondary",
            text: t("video.inviteCopy"),
            onclick: () => {
              link.select();
              const done = (): void => void (copied.textContent = t("video.inviteCopied"));
              navigator.clipboard?.writeText(link.value).then(done, () => {
                document.execCommand?.("copy");
                done();
              }) ?? done();
            },
          }),
          copied,
        ),
        h("p", { class: "hint", text: t("video.inviteHint") }),
      );
    }
    return panel;
  }

  /** In-meeting chat: everyone admitted sees it; lines of people with an account are also
   * stored in the meeting's thread. */
  private chatPanel(): HTMLElement {
    const s = this.session as MeetingSession;
    const id = uid("chat");
    const inputId = uid("chat-input");
    this.chatList = h("ol", { class: "video-chat-log", "aria-live": "polite", "aria-relevant": "additions" });
    for (const line of s.chat) this.chatList.append(this.chatLine(line));
    if (!s.chat.length) this.chatList.append(h("li", { class: "hint video-chat-none", text: t("video.chatNone") }));
    const input = h("input", { id: inputId, type: "text", autocomplete: "off", maxlength: 2000, "data-chat-input": "" });
    this.chatError = h("p", { class: "form-error", role: "alert" });
    const form = h(
      "form",
      { class: "video-chat-form" },
      h("label", { for: inputId, class: "visually-hidden", text: t("video.chatLabel") }),
      input,
      h("button", { type: "submit", class: "button button-secondary", text: t("video.chatSend") }),
    );
    input.placeholder = t("video.chatLabel");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = input.value.trim();
      if (!body) return input.focus();
      if (this.chatError) this.chatError.textContent = "";
      s.sendChat(body).then(
        () => (input.value = ""),
        (err: unknown) => {
          if (this.chatError) this.chatError.textContent = errorFromCall(err);
        },
      );
    });
    return h(
      "section",
      { class: "video-panel video-chat", "aria-labelledby": id },
      h("h3", { id, text: t("video.chatTitle") }),
      this.chatList,
      form,
      this.chatError,
    );
  }

  private chatLine(line: ChatLine): HTMLElement {
    const mine = line.from === this.session?.me?.id;
    return h(
      "li",
      { class: `video-chat-line${mine ? " is-mine" : ""}` },
      h("strong", { text: mine ? t("video.you", { name: line.name }) : line.name }),
      h("span", { class: "hint", text: ` ${clock(line.at)}${line.stored ? "" : ` · ${t("video.chatNotStored")}`}` }),
      h("p", { text: line.body }),
    );
  }

  /** Hosts invite colleagues (any organisation) found by name, profession or unit; they
   * then find the meeting in their inbox. */
  private colleaguePanel(): HTMLElement {
    const id = uid("colleague");
    const inputId = uid("colleague-q");
    const state = this.colleagues;
    const input = h("input", { id: inputId, type: "search", autocomplete: "off", value: state.query, "data-colleague-q": "" });
    const form = h(
      "form",
      { class: "inline-field" },
      h("label", { for: inputId, text: t("video.colleagueSearch") }),
      input,
      h("button", { type: "submit", class: "button button-secondary", text: t("video.colleagueFind") }),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (q.length < 2) return input.focus();
      state.query = q;
      state.message = "";
      api.findColleagues(q).then(
        (found) => {
          state.found = found;
          this.drawSide();
          this.side?.querySelector<HTMLElement>("[data-colleague-q]")?.focus();
        },
        (err: unknown) => {
          state.message = errorText(err);
          this.drawSide();
        },
      );
    });
    const list = h("ul", { class: "video-people" });
    for (const c of state.found ?? []) {
      const invited = state.invited.has(c.id);
      list.append(
        h(
          "li",
          { class: "video-person" },
          h(
            "div",
            {},
            h("strong", { text: c.name }),
            h("span", { class: "hint", text: ` – ${c.profession}, ${c.unit_name} (${c.organisation_name})` }),
          ),
          h("button", {
            type: "button",
            class: "button button-secondary",
            disabled: invited,
            text: invited ? t("video.colleagueInvitedShort") : t("video.colleagueInvite"),
            "aria-label": t("video.colleagueInviteLabel", { name: c.name }),
            onclick: () =>
              void api.addMeetingMember(this.opts.meetingId, c.id).then(
                () => {
                  state.invited.add(c.id);
                  state.message = t("video.colleagueInvited", { name: c.name });
                  this.drawSide();
                },
                (err: unknown) => {
                  state.message = errorText(err);
                  this.drawSide();
                },
              ),
          }),
        ),
      );
    }
    return h(
      "details",
      { class: "video-panel", open: state.found !== null || undefined },
      h("summary", { id, text: t("video.memberTitle") }),
      form,
      state.found && !state.found.length ? h("p", { class: "hint", text: t("video.colleagueNone") }) : list,
      h("p", { class: "hint", role: "status", text: state.message }),
    );
  }

  /** Connection quality of each other participant, from RTCStats, in their caption. */
  private async measure(): Promise<void> {
    const s = this.session;
    if (!s || s.phase !== "meeting") return;
    this.qualities = await s.quality();
    for (const p of this.others()) this.tileFor(p.id, `${p.name}, ${roleLabel(p.role)}`);
  }

  // -- events from the session -----------------------------------------------------------

  private onSession(e: SessionEvent): void {
    const s = this.session;
    if (!s) return;
    switch (e.kind) {
      case "phase":
        if (s.phase !== "meeting") this.confirmEnd = false;
        this.notice("");
        this.render();
        return;
      case "participants":
        this.drawStage();
        this.drawSide();
        for (const p of e.joined) this.announce(t("video.joinedLabel", { name: p.name }));
        for (const p of e.left) this.announce(t("video.leftLabel", { name: p.name }));
        return;
      case "waiting":
        this.drawSide();
        if (s.isHost) for (const p of e.added) this.announce(t("video.newWaiting", { name: p.name }));
        return;
      case "media":
        this.drawStage();
        return;
      case "local":
        if (this.controls) this.drawControls();
        else if (s.phase === "waiting") this.render();
        this.tileFor("local", this.selfLabel());
        return;
      case "connection":
        this.notice(e.up ? "" : t("video.connectionLost"));
        return;
      case "notice":
        if (e.code === "host_left") this.notice(t("video.hostLeft"));
        else {
          const by = typeof e.data.by === "string" ? e.data.by : "";
          this.notice(t(e.data.kind === "video" ? "video.muteRequestVideo" : "video.muteRequestAudio", { name: by }));
        }
        return;
      case "chat":
        this.chatList?.querySelector(".video-chat-none")?.remove();
        this.chatList?.append(this.chatLine(e.line));
        if (this.chatList) this.chatList.scrollTop = this.chatList.scrollHeight; // the list only
        return;
      case "error":
        this.notice(codeText(e.code));
        return;
    }
  }

  private announce(text: string): void {
    this.statusEl.textContent = text;
  }

  private notice(text: string): void {
    this.noticeEl.replaceChildren(...(text ? [h("p", { text })] : []));
    this.noticeEl.classList.toggle("is-empty", !text);
  }

  // -- closing messages ------------------------------------------------------------------

  private closingText(): string {
    const s = this.session;
    switch (s?.phase) {
      case "ended":
        return s.endedBy ? `${t("video.endedBy", { name: s.endedBy })}` : t("video.ended");
      case "removed":
        return t("video.removed");
      case "elsewhere":
        return t("video.elsewhere");
      case "left":
        return t("video.leftMeeting");
      default:
        return codeText(s?.failure ?? "generic");
    }
  }

  private simpleScreen(title: string, text: string, closable: boolean): HTMLElement[] {
    const out: HTMLElement[] = [
      this.heading(title),
      h("p", { class: "video-message", role: closable ? "alert" : "status", text }),
    ];
    if (closable) {
      for (const tile of this.tiles.values()) tile.video.srcObject = null;
      out.push(
        h("div", { class: "actions" }, h("button", { type: "button", class: "button button-primary", text: t("video.close"), onclick: () => this.close() })),
      );
    } else {
      out.push(h("div", { class: "actions" }, this.leaveButton()));
    }
    return out;
  }
}

/** The picture, or "no picture yet" over an empty tile (the <video> keeps playing the sound). */
function showPicture(tile: Tile, on: boolean): void {
  tile.empty.hidden = on;
  tile.figure.classList.toggle("video-tile-nopicture", !on);
}

function errorFromCall(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return codeText(typeof code === "string" ? code : "generic");
}
