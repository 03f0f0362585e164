// Entry point: log in, then show the patient view or the staff inbox.
import "./style.css";

import { api, ApiError, SESSION_ENDED } from "./api";
import { applyTitle, setUnread } from "./attention";
import type { AppContext, View } from "./context";
import { clear, focusHeading, h } from "./dom";
import { lang, setLang, t } from "./i18n";
import { LiveConnection } from "./live/connection";
import { renderLogin } from "./views/login";
import { PatientView } from "./views/patient";
import { ConnectionBanner } from "./views/banner";
import { StaffView } from "./views/staff";
import { closeMeeting, guestLink, openGuestMeeting, redrawMeeting } from "./video";
import { MeetingAnnouncements } from "./video/announce";

const root = document.getElementById("app") as HTMLElement;
let view: View | null = null;
let live: LiveConnection | null = null;
let banner: ConnectionBanner | null = null;
let meetings: MeetingAnnouncements | null = null;
let ctx: AppContext | null = null;
let guest: { meetingId: string; invite: string; done: boolean } | null = null;

function topBar(): HTMLElement {
  const langButton = h("button", {
    type: "button",
    class: "button button-quiet",
    lang: lang() === "sv" ? "en" : "sv",
    "aria-label": t("lang.switchLabel"),
    text: t("lang.switch"),
    onclick: () => {
      setLang(lang() === "sv" ? "en" : "sv");
      redraw();
    },
  });
  const right = h("div", { class: "topbar-actions" }, langButton);
  if (ctx) {
    right.prepend(h("span", { class: "topbar-user", text: t("auth.signedInAs", { name: ctx.me.user.name }) }));
    if (ctx.me.user.kind !== "staff") {
      right.append(h("a", { class: "button button-quiet", href: "#/settings", text: t("settings.link") }));
    }
    right.append(
      h("button", { type: "button", class: "button button-quiet", text: t("auth.logout"), onclick: () => void logout() }),
    );
  }
  return h(
    "header",
    { class: "topbar" },
    h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true", text: "N" }), h("span", { class: "brand-name", text: t("app.name") })),
    right,
  );
}

function footer(): HTMLElement {
  return h(
    "footer",
    { class: "site-footer" },
    h("p", { text: t("emergency.always") }),
  );
}

/** The frame around a view; drawn again on a language change. */
function frame(content: HTMLElement): void {
  clear(root);
  const main = h("main", { id: "main", class: "main", tabindex: "-1" }, content);
  root.append(
    h("a", { class: "skip-link", href: "#main", text: t("app.skip"), onclick: (e: Event) => { e.preventDefault(); main.focus(); } }),
    topBar(),
  );
  if (banner) root.append(banner.element);
  if (meetings) root.append(meetings.element);
  root.append(main, footer());
  applyTitle(); // "(2) Nära" while something is unread
}

function redraw(): void {
  banner?.render();
  meetings?.render();
  redrawMeeting();
  if (view) {
    view.render();
    frame(view.element);
  } else if (guest) {
    showGuest();
  } else {
    showLogin();
  }
}

function showLogin(error?: string): void {
  ctx = null;
  frame(renderLogin({ onLoggedIn: () => void boot(), error }));
  focusHeading(root.querySelector("h1"));
}

/** A guest with an invitation link: no login, straight to the meeting window. */
function showGuest(): void {
  const g = guest;
  if (!g) return;
  frame(
    h(
      "div",
      { class: "page stack" },
      h("h1", { text: t("video.guestTitle") }),
      h("p", { class: "lead", text: g.done ? t("video.guestDone") : t("video.guestIntro") }),
      g.done ? null : h("button", { type: "button", class: "button button-primary", text: t("video.guestOpen"), onclick: openGuest }),
    ),
  );
  focusHeading(root.querySelector("h1"));
}

function openGuest(): void {
  const g = guest;
  if (!g) return;
  openGuestMeeting(g.meetingId, g.invite, () => {
    g.done = true;
    showGuest();
  });
}

async function boot(): Promise<void> {
  const link = guestLink(location.hash);
  if (link) {
    guest = { ...link, done: false };
    showGuest();
    openGuest();
    return;
  }
  frame(h("p", { class: "loading", role: "status", text: t("app.loading") }));
  let me;
  try {
    me = await api.me();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showLogin();
    return showLogin(t("error.network"));
  }
  live = new LiveConnection(me.user.kind === "staff" ? "seq" : "patient_seq");
  ctx = { me, live };
  banner = new ConnectionBanner(live);
  meetings = new MeetingAnnouncements(ctx);
  live.start();
  view = me.user.kind === "staff" ? new StaffView(ctx) : new PatientView(ctx);
  view.route(location.hash);
  frame(view.element);
  focusHeading(root.querySelector("h1"));
}

async function logout(): Promise<void> {
  await api.logout().catch(() => undefined);
  endSession();
  showLogin();
}

function endSession(): void {
  setUnread(0);
  closeMeeting();
  view?.destroy();
  view = null;
  live?.stop();
  live = null;
  banner = null;
  meetings?.destroy();
  meetings = null;
  history.replaceState(null, "", location.pathname);
}

window.addEventListener(SESSION_ENDED, () => {
  if (!ctx) return;
  endSession();
  showLogin(t("error.unauthenticated"));
});

window.addEventListener("hashchange", () => {
  if (!view) return;
  view.route(location.hash);
  // A new page: its heading gets the focus, so screen readers and keyboards start there.
  // An emergency alert wins: it must be the first thing read out and seen.
  const first =
    view.element.querySelector<HTMLElement>("[data-focus-first]") ??
    view.element.querySelector<HTMLElement>("[data-focus-on-route]") ??
    view.element.querySelector<HTMLElement>("h1");
  focusHeading(first);
});

setLang(lang());
void boot();
