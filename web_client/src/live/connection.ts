// The live connection: Socket.IO namespace /chat, authenticated by the HttpOnly session cookie.
//
// After every (re)connect each loaded thread is caught up from its last contiguous position
// (by seq for staff, by patient_seq for the patient side, which never sees internal notes), and
// the outbox (messages written while offline) is sent again with the same client_id, so
// nothing is lost and nothing is shown twice: the server is idempotent on client_id and the
// store dedupes by seq. A live message after a gap starts a catch-up too.
import { io, type Socket } from "socket.io-client";

import { ApiError, sessionEnded } from "../api";
import type {
  AcuteAlert,
  Message,
  OutgoingMessage,
  ReadEvent,
  SendResult,
  TypingEvent,
} from "../types";
import { MessageStore, type SeqKey } from "./store";

export type ConnectionState = "connecting" | "connected" | "lost";

interface Ack {
  ok?: boolean;
  error?: { code: string; message: string; reason?: string };
  [key: string]: unknown;
}

export interface LiveHandlers {
  read?: (e: ReadEvent) => void;
  typing?: (e: TypingEvent) => void;
  threadUpdated?: (threadId: string) => void;
  acuteAlert?: (e: AcuteAlert) => void;
  /** A colleague (or I) acknowledged an acute alert: its banner goes away everywhere. */
  alertAcknowledged?: (e: AcuteAlert) => void;
  /** After a reconnect and catch-up: lists and counters should be fetched again. */
  resynced?: () => void;
  /** A video meeting for me started, changed or ended (src/video/announce.ts). */
  meeting?: (e: MeetingNotice) => void;
}

export interface MeetingNotice {
  meeting_id: string;
  thread_id: string | null;
  status: string;
}

export interface Pending {
  threadId: string;
  message: OutgoingMessage;
  state: "sending" | "queued" | "failed";
  error?: ApiError;
}

type PendingListener = (threadId: string) => void;
type SentListener = (threadId: string, result: SendResult) => void;

const ACK_TIMEOUT_MS = 10_000;
const CATCH_UP_LIMIT = 200;
// A message missing before a live one may still come (published out of order after a
// server restart): wait this long before fetching it.
const GAP_WAIT_MS = 1500;

export class LiveConnection {
  readonly store = new MessageStore();
  private socket: Socket | null = null;
  private stateValue: ConnectionState = "connecting";
  private everConnected = false;
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly handlers = new Set<LiveHandlers>();
  private readonly outbox = new Map<string, Pending>(); // by client_id
  private readonly pendingListeners = new Set<PendingListener>();
  private readonly sentListeners = new Set<SentListener>();
  private readonly gapTimers = new Map<string, number>();

  /** `seqKey`: "seq" for staff, "patient_seq" for patients and guardians. */
  constructor(private readonly seqKey: SeqKey = "seq") {}
  private readonly onOnline = (): void => {
    if (this.socket && !this.socket.connected) this.socket.connect();
  };

  get state(): ConnectionState {
    return this.stateValue;
  }

  start(): void {
    if (this.socket) return;
    const socket = io("/chat", {
      withCredentials: true,
      transports: ["websocket", "polling"],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      randomizationFactor: 0.3,
      timeout: 8000,
    });
    this.socket = socket;
    socket.on("connect", () => void this.onConnect());
    socket.on("disconnect", (reason) => {
      this.setState("lost");
      // The server ended the session (logout, expired): the Manager does not retry this one.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", (err: Error) => {
      this.setState(this.everConnected ? "lost" : "connecting");
      // Refused by the server (not a network failure): without a session there is no retry.
      if (/unauthenticated/.test(err.message)) sessionEnded();
    });
    socket.on("message", (e: { message: Message }) => {
      this.store.add([e.message]);
      this.watchGap(e.message.thread_id);
    });
    socket.on("read", (e: ReadEvent) => this.each((h) => h.read?.(e)));
    socket.on("typing", (e: TypingEvent) => this.each((h) => h.typing?.(e)));
    socket.on("thread_updated", (e: { thread_id: string }) =>
      this.each((h) => h.threadUpdated?.(e.thread_id)),
    );
    socket.on("acute_alert", (e: AcuteAlert) => this.each((h) => h.acuteAlert?.(e)));
    socket.on("alert_acknowledged", (e: AcuteAlert) => this.each((h) => h.alertAcknowledged?.(e)));
    socket.on("meeting", (e: MeetingNotice) => this.each((h) => h.meeting?.(e)));
    window.addEventListener("online", this.onOnline);
  }

  stop(): void {
    window.removeEventListener("online", this.onOnline);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    for (const timer of this.gapTimers.values()) window.clearTimeout(timer);
    this.gapTimers.clear();
    this.store.reset();
    this.outbox.clear();
    this.handlers.clear();
    this.stateListeners.clear();
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.stateValue);
    return () => this.stateListeners.delete(listener);
  }

  listen(handlers: LiveHandlers): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }

  onPending(listener: PendingListener): () => void {
    this.pendingListeners.add(listener);
    return () => this.pendingListeners.delete(listener);
  }

  onSent(listener: SentListener): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  pending(threadId: string): Pending[] {
    return [...this.outbox.values()].filter((p) => p.threadId === threadId);
  }

  /**
   * Send a message in a thread. While the connection is down it waits in the outbox and is
   * sent after the reconnect; a refusal by the server is final and shown to the writer.
   */
  async send(threadId: string, message: OutgoingMessage): Promise<SendResult | null> {
    const entry: Pending = { threadId, message, state: "queued" };
    this.outbox.set(message.client_id, entry);
    this.notifyPending(threadId);
    if (this.socket?.connected) return this.deliver(entry);
    return null;
  }

  /** Forget a failed message (the writer dismissed it). */
  discard(clientId: string): void {
    const entry = this.outbox.get(clientId);
    if (!entry) return;
    this.outbox.delete(clientId);
    this.notifyPending(entry.threadId);
  }

  async markRead(threadId: string, seq: number): Promise<void> {
    if (!this.socket?.connected) return;
    await this.emit("mark_read", { thread_id: threadId, seq }).catch(() => undefined);
  }

  typing(threadId: string, internal: boolean): void {
    if (this.socket?.connected) {
      void this.emit("typing", { thread_id: threadId, internal }).catch(() => undefined);
    }
  }

  /** Fetch everything after the last contiguous position of a thread (in pages). */
  async catchUp(threadId: string): Promise<void> {
    const key = this.seqKey;
    for (;;) {
      const after = this.store.thread(threadId).contiguous(key);
      const ack = await this.emit("catch_up", {
        thread_id: threadId,
        [key === "seq" ? "after_seq" : "after_patient_seq"]: after,
        limit: CATCH_UP_LIMIT,
      });
      const messages = (ack["messages"] as Message[] | undefined) ?? [];
      this.store.add(messages);
      if (messages.length < CATCH_UP_LIMIT) return;
      if (this.store.thread(threadId).contiguous(key) <= after) return; // no progress
    }
  }

  private watchGap(threadId: string): void {
    if (this.gapTimers.has(threadId) || !this.store.thread(threadId).hasGap(this.seqKey)) return;
    const timer = window.setTimeout(() => {
      this.gapTimers.delete(threadId);
      if (this.store.thread(threadId).hasGap(this.seqKey)) {
        void this.catchUp(threadId).catch(() => undefined);
      }
    }, GAP_WAIT_MS);
    this.gapTimers.set(threadId, timer);
  }

  private async onConnect(): Promise<void> {
    const reconnect = this.everConnected;
    this.everConnected = true;
    for (const [threadId] of this.store.loadedThreads()) {
      await this.catchUp(threadId).catch(() => undefined);
    }
    this.setState("connected");
    for (const entry of [...this.outbox.values()]) {
      if (entry.state === "queued") await this.deliver(entry);
    }
    if (reconnect) this.each((h) => h.resynced?.());
  }

  private async deliver(entry: Pending): Promise<SendResult | null> {
    entry.state = "sending";
    this.notifyPending(entry.threadId);
    try {
      const ack = await this.emit("send_message", { thread_id: entry.threadId, ...entry.message });
      const result = ack as unknown as SendResult;
      this.store.add([result.message, ...autoReplies(result)]);
      this.outbox.delete(entry.message.client_id);
      this.notifyPending(entry.threadId);
      for (const l of this.sentListeners) l(entry.threadId, result);
      return result;
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, "network", String(err));
      if (apiErr.code === "network") {
        entry.state = "queued"; // sent again after the reconnect
      } else {
        entry.state = "failed";
        entry.error = apiErr;
      }
      this.notifyPending(entry.threadId);
      throw apiErr;
    }
  }

  private async emit(event: string, data: unknown): Promise<Ack> {
    const socket = this.socket;
    if (!socket?.connected) throw new ApiError(0, "network", "not connected");
    let ack: Ack;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data)) as Ack;
    } catch {
      throw new ApiError(0, "network", "no answer");
    }
    if (ack.error) {
      throw new ApiError(400, ack.error.code, ack.error.message, ack.error.reason ?? null);
    }
    return ack;
  }

  private setState(s: ConnectionState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    for (const l of this.stateListeners) l(s);
  }

  private each(fn: (h: LiveHandlers) => void): void {
    for (const h of this.handlers) fn(h);
  }

  private notifyPending(threadId: string): void {
    for (const l of this.pendingListeners) l(threadId);
  }
}

/** The automatic replies a send answered with (112, or safety-net advice), already stored. */
export function autoReplies(result: SendResult): Message[] {
  return [result.emergency?.message, result.safety_net?.message].filter((m): m is Message => !!m);
}
