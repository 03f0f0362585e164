// Video meetings in a thread header. Staff start one ("Starta videomöte") or join the running
// one; the patient sees "Gå med i videomöte" as soon as a meeting exists for the thread
// (GET /api/v1/meetings?thread_id=, asked again when the live connection says `meeting`).
// The home page and the inbox announce meetings too (announce.ts). The meeting itself is a
// modal window (meeting.ts) over the app, with its own /video socket (session.ts).
import { api } from "../api";
import type { AppContext } from "../context";
import { h } from "../dom";
import { errorText } from "../format";
import { t } from "../i18n";
import type { Meeting, Thread } from "../types";
import { MeetingDialog } from "./meeting";

export interface VideoMount {
  destroy(): void;
}

const CHANGED = "nara:video-changed";
let active: MeetingDialog | null = null;

declare global {
  interface Window {
    /** For tests and support: the peer connections of the open meeting, read-only use. */
    __naraVideo?: { peers(): RTCPeerConnection[]; phase(): string | null };
  }
}

window.__naraVideo = {
  peers: () => active?.session?.peers() ?? [],
  phase: () => active?.session?.phase ?? null,
};

/** Logout: leave the meeting and close its window. */
export function closeMeeting(): void {
  const dialog = active;
  active = null;
  if (!dialog) return;
  if (dialog.inCall() && dialog.session) {
    // Leave on purpose (the place is freed at once), then close the window.
    void dialog.session.leave().finally(() => dialog.close());
  } else {
    dialog.close();
  }
}

/** A language change: the meeting window draws its texts again. */
export function redrawMeeting(): void {
  active?.render();
}

export function openMeeting(ctx: AppContext, meeting: Meeting): void {
  if (active) {
    if (active.opts.meetingId === meeting.id && active.inCall()) return active.show();
    closeMeeting();
  }
  const dialog = new MeetingDialog({
    meetingId: meeting.id,
    threadId: meeting.thread_id ?? null,
    title: meeting.title,
    role: meeting.my_role,
    userName: ctx.me.user.name,
    onClosed: () => {
      if (active === dialog) active = null;
      window.dispatchEvent(new Event(CHANGED));
    },
  });
  active = dialog;
  dialog.open();
  window.dispatchEvent(new Event(CHANGED));
}

/** A guest link (`/#/video/<meeting>?invite=<token>`, made by a host): no account needed. */
export function guestLink(hash: string): { meetingId: string; invite: string } | null {
  const m = /^#\/video\/([0-9a-fA-F-]{36})\?invite=([A-Za-z0-9_-]{20,100})$/.exec(hash);
  return m ? { meetingId: m[1] as string, invite: m[2] as string } : null;
}

export function openGuestMeeting(meetingId: string, invite: string, onClosed: () => void): void {
  closeMeeting();
  const dialog = new MeetingDialog({
    meetingId,
    threadId: null,
    title: t("video.guestTitle"),
    role: "guest",
    userName: t("video.guestName"),
    invite,
    onClosed: () => {
      if (active === dialog) active = null;
      onClosed();
    },
  });
  active = dialog;
  dialog.open();
}

function current(list: Meeting[]): Meeting | null {
  const open = list.filter((m) => m.status !== "ended");
  return open.find((m) => m.status === "live") ?? open[open.length - 1] ?? null;
}

export function mountVideo(slot: HTMLElement, ctx: AppContext, thread: Thread): VideoMount {
  const staff = ctx.me.user.kind === "staff";
  let meeting: Meeting | null = null;
  let busy = false;
  const error = h("p", { class: "form-error", role: "alert" });

  const draw = (): void => {
    const running = active?.threadId === thread.id && active.inCall();
    const parts: HTMLElement[] = [];
    if (running) {
      parts.push(
        h("p", { class: "video-hint", text: t("video.running") }),
        h("button", { type: "button", class: "button button-primary", text: t("video.open"), onclick: () => active?.show() }),
      );
    } else if (meeting) {
      const m = meeting;
      parts.push(
        h("p", { class: "video-hint", text: staff ? t("video.running") : t("video.available") }),
        h("button", {
          type: "button",
          class: "button button-primary video-join",
          text: staff ? t("video.joinStaff") : t("video.joinPatient"),
          onclick: () => openMeeting(ctx, m),
        }),
      );
    } else if (staff && thread.status !== "closed") {
      parts.push(
        h("button", {
          type: "button",
          class: "button button-secondary video-start",
          text: busy ? t("video.starting") : t("video.start"),
          disabled: busy,
          onclick: () => void start(),
        }),
      );
    }
    slot.hidden = parts.length === 0 && !error.textContent;
    slot.replaceChildren(h("div", { class: "video-entry" }, ...parts), error);
  };

  const start = async (): Promise<void> => {
    busy = true;
    error.textContent = "";
    draw();
    try {
      const title = t("video.defaultTitle", { subject: thread.subject }).slice(0, 200);
      meeting = await api.createMeeting(title, thread.id);
      openMeeting(ctx, meeting);
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      busy = false;
      draw();
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      meeting = current(await api.meetings(thread.id));
    } catch {
      return; // keep what we had; the next round asks again
    }
    draw();
  };

  const onChanged = (): void => void refresh();
  window.addEventListener(CHANGED, onChanged);
  const unlisten = ctx.live.listen({
    meeting: (e) => {
      if (e.thread_id === thread.id) void refresh();
    },
    resynced: () => void refresh(),
  });
  draw();
  void refresh();
  return {
    destroy: () => {
      unlisten();
      window.removeEventListener(CHANGED, onChanged);
      slot.replaceChildren();
    },
  };
}
