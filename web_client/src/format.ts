// Dates, durations, urgency order and error texts, all through the translation module.
import { ApiError } from "./api";
import { hasKey, locale, t } from "./i18n";
import type { Thread } from "./types";

export function formatTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  const day = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diffDays = Math.round((day(now) - day(d)) / 86_400_000);
  if (diffDays === 0) return t("time.today", { time });
  if (diffDays === 1) return t("time.yesterday", { time });
  const date = d.toLocaleDateString(locale(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: d.getFullYear() === now.getFullYear() ? undefined : "numeric",
  });
  return `${date} ${time}`;
}

export function formatDuration(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return days === 1 ? t("time.day") : t("time.days", { n: days });
  }
  return hours === 1 ? t("time.hour") : t("time.hours", { n: hours });
}

/** A promised response time as the unit counts it (chat/promise.py): whole working days from
 * 24 hours, else hours while the clinic is open. */
export function formatPromise(hours: number): string {
  if (hours >= 24) {
    const days = Math.ceil(hours / 24);
    return days === 1 ? t("time.workday") : t("time.workdays", { n: days });
  }
  return t("time.openHours", { n: hours });
}

/** "tisdag 8 december kl. 17:00" in the unit's time zone. */
export function formatDue(iso: string): string {
  return new Date(iso).toLocaleString(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/Stockholm",
  });
}

const URGENCY_RANK: Record<string, number> = { akut: 0, bradskande: 1, snart: 2, rutin: 3 };

export function urgencyOf(thread: Thread): string | null {
  return thread.flagged_acute ? "akut" : thread.urgency;
}

export function urgencyLabel(urgency: string | null): string {
  const key = `urgency.${urgency ?? "none"}`;
  return hasKey(key) ? t(key) : t("urgency.none");
}

/** The team inbox order: urgency first, then the promised response time, then the oldest. */
export function compareForInbox(a: Thread, b: Thread): number {
  const ua = URGENCY_RANK[urgencyOf(a) ?? ""] ?? 4;
  const ub = URGENCY_RANK[urgencyOf(b) ?? ""] ?? 4;
  if (ua !== ub) return ua - ub;
  const da = a.response_due_at ? Date.parse(a.response_due_at) : Infinity;
  const db = b.response_due_at ? Date.parse(b.response_due_at) : Infinity;
  if (da !== db) return da < db ? -1 : 1;
  return Date.parse(a.created_at) - Date.parse(b.created_at);
}

export function isOverdue(thread: Thread, now: number = Date.now()): boolean {
  return (
    thread.status !== "closed" &&
    thread.response_due_at !== null &&
    Date.parse(thread.response_due_at) < now
  );
}

/** A Swedish (or English) sentence for any failure; never the server's English message. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t("error.generic");
  if (err.code === "validation_failed" && /choose a care contact/i.test(err.message)) {
    return t("error.chooseContact");
  }
  if (err.reason) {
    const reasonKey = `reason.${err.reason}`;
    if (hasKey(reasonKey)) return t(reasonKey);
  }
  if (err.code === "network") return t("error.network");
  const key = `error.${err.code}`;
  return hasKey(key) ? t(key) : t("error.generic");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} kB`;
  return `${(n / (1024 * 1024)).toLocaleString(locale(), { maximumFractionDigits: 1 })} MB`;
}

export function unreadBadge(n: number): { text: string; label: string } {
  return n === 1
    ? { text: t("thread.unreadOne"), label: t("thread.unreadLabelOne") }
    : { text: t("thread.unread", { n }), label: t("thread.unreadLabel", { n }) };
}
