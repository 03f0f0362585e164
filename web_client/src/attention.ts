// Getting attention: the unread count in the tab title, and for staff a desktop notice and a
// sound for acute alerts (opt-in per browser: kept in this browser's localStorage).
import { t } from "./i18n";

const ACUTE_KEY = "nara.acuteNotify";
let unread = 0;

/** "(3) Nära" while something is unread, else "Nära". */
export function setUnread(n: number): void {
  unread = Math.max(0, n);
  applyTitle();
}

export function applyTitle(): void {
  document.title = unread > 0 ? t("attention.title", { n: unread }) : t("app.name");
}

export function acuteNotifyOn(): boolean {
  return localStorage.getItem(ACUTE_KEY) === "1" && notificationPermission() === "granted";
}

export function notificationPermission(): NotificationPermission | "unsupported" {
  return "Notification" in window ? Notification.permission : "unsupported";
}

/** Ask the browser (a click is needed), and remember the choice for this browser. */
export async function enableAcuteNotify(): Promise<boolean> {
  if (!("Notification" in window)) return false;
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return false;
  localStorage.setItem(ACUTE_KEY, "1");
  beep(); // the browser allows sound after this click; the user hears what it will be
  return true;
}

export function disableAcuteNotify(): void {
  localStorage.removeItem(ACUTE_KEY);
}

/** A new acute alert: a desktop notice (no patient name: screens are seen by others) and
 * a sound, when this browser has opted in. */
export function announceAcute(alertId: string): void {
  if (!acuteNotifyOn()) return;
  try {
    const notice = new Notification(t("attention.acuteTitle"), {
      body: t("attention.acuteBody"),
      tag: `nara-acute-${alertId}`,
      requireInteraction: true,
    });
    notice.onclick = () => {
      window.focus();
      notice.close();
    };
  } catch {
    // Some browsers only show notices from a service worker: the sound still plays.
  }
  beep();
}

let audio: AudioContext | null = null;

/** Two short tones, made here (no sound file to fetch). */
export function beep(): void {
  try {
    audio = audio ?? new AudioContext();
    const start = audio.currentTime;
    for (const [offset, freq] of [
      [0, 880],
      [0.25, 660],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.23);
    }
  } catch {
    // No audio in this browser.
  }
}
