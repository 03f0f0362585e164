// REST calls under /api/v1. The session lives in an HttpOnly cookie set by the login.
import type {
  AcuteAlert,
  CareContact,
  Me,
  Meeting,
  MeetingInvite,
  Message,
  NotificationSettings,
  OutgoingMessage,
  PatientLogPage,
  ReadMark,
  SendResult,
  Team,
  Thread,
  ThreadStatus,
  UploadResult,
} from "./types";

const PREFIX = "/api/v1";
export const SESSION_ENDED = "nara:session-ended";

/** The session expired or was ended elsewhere: the app goes back to the login page. */
export function sessionEnded(): void {
  window.dispatchEvent(new Event(SESSION_ENDED));
}

/** A failed call: the server's stable error code (and reason), or "network" when unreachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason: string | null = null,
    /** The server's details, e.g. one entry per bad form field (details.errors). */
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; reason?: string; details?: Record<string, unknown> };
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  let resp: Response;
  try {
    resp = await fetch(PREFIX + path, init);
  } catch {
    throw new ApiError(0, "network", "network error");
  }
  if (resp.status === 204) return undefined as T;
  let data: unknown = null;
  if ((resp.headers.get("Content-Type") ?? "").includes("application/json")) {
    data = await resp.json().catch(() => null);
  }
  if (!resp.ok) {
    const err = (data as ErrorBody | null)?.error;
    if (resp.status === 401 && path !== "/auth/login" && path !== "/me") sessionEnded();
    throw new ApiError(
      resp.status,
      err?.code ?? `http_${resp.status}`,
      err?.message ?? resp.statusText,
      err?.reason ?? null,
      err?.details ?? null,
    );
  }
  return data as T;
}

export interface NewThread {
  patient_id: string;
  subject: string;
  message: OutgoingMessage;
  care_contact_id?: string;
}

export const api = {
  login: (username: string, password: string) =>
    call<{ user: unknown }>("POST", "/auth/login", { username, password }),
  logout: () => call<void>("POST", "/auth/logout"),
  /** Whether this server offers the e-legitimation login (OpenID Connect). */
  authMethods: () => call<{ password: boolean; oidc: boolean }>("GET", "/auth/methods"),
  oidcStart: () => call<{ authorization_url: string }>("POST", "/auth/oidc/start"),
  me: () => call<Me>("GET", "/me"),
  careContacts: () => call<CareContact[]>("GET", "/care-contacts"),
  threads: (status?: ThreadStatus) =>
    call<{ threads: Thread[] }>("GET", "/threads" + (status ? `?status=${status}` : "")).then(
      (r) => r.threads,
    ),
  thread: (id: string) => call<Thread>("GET", `/threads/${id}`),
  createThread: (t: NewThread) => call<SendResult>("POST", "/threads", t),
  history: (id: string, q: { before_seq?: number; after_seq?: number; limit?: number } = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return call<Message[]>("GET", `/threads/${id}/messages${qs ? "?" + qs : ""}`);
  },
  send: (id: string, m: OutgoingMessage) => call<SendResult>("POST", `/threads/${id}/messages`, m),
  markRead: (id: string, seq: number) =>
    call<{ seq: number }>("POST", `/threads/${id}/read`, { seq }),
  readMarks: (id: string) => call<ReadMark[]>("GET", `/threads/${id}/read-marks`),
  assign: (id: string, assigneeId: string | null) =>
    call<Thread>("POST", `/threads/${id}/assign`, { assignee_id: assigneeId }),
  transfer: (id: string, teamId: string) =>
    call<Thread>("POST", `/threads/${id}/transfer`, { team_id: teamId }),
  setStatus: (id: string, status: ThreadStatus) =>
    call<Thread>("POST", `/threads/${id}/status`, { status }),
  setAttachmentsAllowed: (id: string, allowed: boolean) =>
    call<Thread>("POST", `/threads/${id}/attachments-setting`, { allowed }),
  teams: () => call<Team[]>("GET", "/teams"),
  alerts: () => call<AcuteAlert[]>("GET", "/alerts"),
  acknowledgeAlert: (id: string) => call<AcuteAlert>("POST", `/alerts/${id}/ack`),
  uploadAttachments: (id: string, files: File[]) => {
    const form = new FormData();
    for (const f of files) form.append("file", f, f.name);
    return call<UploadResult>("POST", `/threads/${id}/attachments`, form);
  },
  patientLog: (patientId: string, beforeId?: number) =>
    call<PatientLogPage>(
      "GET",
      `/patients/${patientId}/access-log` + (beforeId ? `?before_id=${beforeId}` : ""),
    ),
  patientLogPdfUrl: (patientId: string) => `${PREFIX}/patients/${patientId}/access-log.pdf`,
  meetings: (threadId: string) =>
    call<Meeting[]>("GET", `/meetings?thread_id=${encodeURIComponent(threadId)}`),
  createMeeting: (title: string, threadId: string) =>
    call<Meeting>("POST", "/meetings", { title, thread_id: threadId }),
  addMeetingMember: (meetingId: string, userId: string) =>
    call<void>("POST", `/meetings/${meetingId}/members`, { user_id: userId }),
  inviteGuest: (meetingId: string, guestName: string) =>
    call<MeetingInvite>("POST", `/meetings/${meetingId}/invites`, { guest_name: guestName }),
  /** Meetings for me that have not ended (the inbox and the home page announce them). */
  myMeetings: () => call<Meeting[]>("GET", "/meetings"),
  findColleagues: (q: string) =>
    call<Colleague[]>("GET", `/directory/staff?q=${encodeURIComponent(q)}`),
  notificationSettings: () => call<NotificationSettings>("GET", "/me/notifications"),
  updateNotifications: (changes: {
    email_enabled?: boolean;
    sms_enabled?: boolean;
    push_enabled?: boolean;
    quiet_hours?: { start: string; end: string } | null;
  }) => call<NotificationSettings>("PUT", "/me/notifications", changes),
  sendCode: (channel: "email" | "sms", address: string) =>
    call<NotificationSettings>("POST", "/me/notifications/verify", { channel, address }),
  confirmCode: (channel: "email" | "sms", code: string) =>
    call<NotificationSettings>("POST", "/me/notifications/confirm", { channel, code }),
  removeAddress: (channel: "email" | "sms") =>
    call<NotificationSettings>("POST", "/me/notifications/remove-address", { channel }),
  pushSubscribe: (subscription: PushSubscriptionJSON) =>
    call<NotificationSettings>("POST", "/me/push-subscriptions", subscription),
  pushUnsubscribe: (endpoint: string) =>
    call<NotificationSettings>("POST", "/me/push-subscriptions/remove", { endpoint }),
};

/** The ids of an upload, to send with the message. */
export function attachmentIds(answer: UploadResult): string[] {
  return answer.attachments.map((a) => a.id);
}

/** A staff member from the directory (GET /directory/staff). */
export interface Colleague {
  id: string;
  name: string;
  profession: string;
  unit_id: string;
  unit_name: string;
  organisation_name: string;
}
