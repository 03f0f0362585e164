// The messages the client knows, per thread, keyed by seq: whatever arrives twice (a live
// event and a catch-up, a send ack and its echo) is stored once.
import type { Message } from "../types";

/**
 * Which sequence a reader counts by: staff see everything and count by `seq`; the patient
 * side counts by `patient_seq`, over only what it may see, so internal notes leave no gaps.
 */
export type SeqKey = "seq" | "patient_seq";

export class ThreadMessages {
  private readonly bySeq = new Map<number, Message>();
  /** True until the oldest page has been loaded. */
  hasOlder = true;
  /** Whether the newest page of the history has been loaded (a view registers a thread first). */
  loaded = false;

  add(m: Message): boolean {
    if (this.bySeq.has(m.seq)) return false;
    this.bySeq.set(m.seq, m);
    return true;
  }

  get lastSeq(): number {
    let max = 0;
    for (const seq of this.bySeq.keys()) if (seq > max) max = seq;
    return max;
  }

  /**
   * The last position up to which nothing is missing, counted from the oldest loaded
   * message: catch-up starts here, not after the highest one seen (a later message may
   * have arrived live while an earlier one was lost).
   */
  contiguous(key: SeqKey): number {
    const have = new Set<number>();
    for (const m of this.bySeq.values()) {
      const n = m[key];
      if (typeof n === "number") have.add(n);
    }
    if (have.size === 0) return 0;
    let at = Math.min(...have);
    if (!this.hasOlder) at = 0; // the whole history is loaded: count from the start
    while (have.has(at + 1)) at += 1;
    return at;
  }

  /** Whether a message beyond the contiguous position is here (something is missing). */
  hasGap(key: SeqKey): boolean {
    const at = this.contiguous(key);
    for (const m of this.bySeq.values()) {
      const n = m[key];
      if (typeof n === "number" && n > at) return true;
    }
    return false;
  }

  get firstSeq(): number | null {
    let min: number | null = null;
    for (const seq of this.bySeq.keys()) if (min === null || seq < min) min = seq;
    return min;
  }

  list(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.bySeq.size;
  }
}

export type MessagesListener = (threadId: string, added: Message[]) => void;

export class MessageStore {
  private readonly threads = new Map<string, ThreadMessages>();
  private readonly listeners = new Set<MessagesListener>();

  thread(id: string): ThreadMessages {
    let t = this.threads.get(id);
    if (!t) {
      t = new ThreadMessages();
      this.threads.set(id, t);
    }
    return t;
  }

  has(id: string): boolean {
    return this.threads.has(id);
  }

  /**
   * Threads to catch up after a (re)connect: those whose history was loaded, and those that
   * have heard of a live message (caught up from the oldest one here). A thread whose view is
   * still waiting for its first page is left to that page: caught up from nothing, it would
   * be fetched whole.
   */
  loadedThreads(): [string, number][] {
    return [...this.threads.entries()]
      .filter(([, t]) => t.loaded || t.size > 0)
      .map(([id, t]) => [id, t.lastSeq]);
  }

  /** Add messages; listeners hear only about the ones that were new. */
  add(messages: Message[]): Message[] {
    const added: Message[] = [];
    for (const m of messages) if (this.thread(m.thread_id).add(m)) added.push(m);
    const byThread = new Map<string, Message[]>();
    for (const m of added) byThread.set(m.thread_id, [...(byThread.get(m.thread_id) ?? []), m]);
    for (const [id, list] of byThread) for (const l of this.listeners) l(id, list);
    return added;
  }

  subscribe(listener: MessagesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.threads.clear();
  }
}
