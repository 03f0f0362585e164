// One meeting as seen from this browser: the /video socket, the waiting room, and the media.
// Follows signaling/client.py (the reference client): mesh while the meeting is small (the
// participant with the smaller id offers to each other one), the SFU once the server says
// `topology {mode: "sfu"}` (publish once, one subscription per batch of new publishers).
import { io, type Socket } from "socket.io-client";

import type { MeetingParticipant } from "../types";
import { SERVER_EVENTS, VIDEO_NAMESPACE, type ClientEvent, type ServerEvent } from "./events.gen";

export type Phase =
  | "connecting"
  | "waiting"
  | "meeting"
  | "ended"
  | "removed"
  | "elsewhere"
  | "left"
  | "failed";

/** What the view is told; it redraws from the session's state. */
export type SessionEvent =
  | { kind: "phase" }
  | { kind: "participants"; joined: MeetingParticipant[]; left: MeetingParticipant[] }
  | { kind: "waiting"; added: MeetingParticipant[] }
  | { kind: "media"; pid: string }
  | { kind: "local" }
  | { kind: "connection"; up: boolean }
  | { kind: "notice"; code: "host_left" | "mute_request"; data: Record<string, unknown> }
  | { kind: "chat"; line: ChatLine }
  | { kind: "error"; code: string };

/** A line of the in-meeting chat (stored in the thread when the sender has an account). */
export interface ChatLine {
  from: string;
  name: string;
  body: string;
  stored: boolean;
  at: string;
}

/** From RTCStats of the connection a participant's media comes over. */
export type Quality = "good" | "fair" | "poor";

interface Ack {
  ok?: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

interface Description {
  type: "offer" | "answer";
  sdp: string;
}

interface MeshPeer {
  pc: RTCPeerConnection;
  session: number;
  described: boolean; // our description went out: candidates may follow
  outbox: RTCIceCandidateInit[];
}

interface Subscription {
  pc: RTCPeerConnection;
  mids: Record<string, string | null>;
}

export class CallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class MeetingSession {
  phase: Phase = "connecting";
  endedBy: string | null = null;
  failure: string | null = null;
  me: MeetingParticipant | null = null;
  topology = "mesh";
  participants = new Map<string, MeetingParticipant>();
  waiting: MeetingParticipant[] = [];
  /** One stream per other participant, whatever path (mesh or SFU) its media took. */
  readonly remote = new Map<string, MediaStream>();
  audioOn: boolean;
  videoOn: boolean;
  /** Sharing the screen instead of the camera (staff): getDisplayMedia's video track. */
  screenTrack: MediaStreamTrack | null = null;
  /** The shared screen as a stream, for the own picture while sharing. */
  screenStream: MediaStream | null = null;
  readonly chat: ChatLine[] = [];

  private readonly invite: string | null;
  private rejoinToken: string | null = null;
  private socket: Socket | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly mesh = new Map<string, MeshPeer>();
  private pendingCandidates = new Map<string, RTCIceCandidateInit[]>();
  private publisher: RTCPeerConnection | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly subscribed = new Map<string, number>();
  private readonly feeds = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private joinedOnce = false;
  private closed = false;
  private readonly listeners = new Set<(e: SessionEvent) => void>();

  constructor(
    readonly meetingId: string,
    readonly local: MediaStream | null,
    opts: { audio: boolean; video: boolean; invite?: string },
  ) {
    this.audioOn = opts.audio;
    this.videoOn = opts.video;
    this.invite = opts.invite ?? null;
    this.applyTrackState();
  }

  on(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) l(e);
  }

  get isHost(): boolean {
    return this.me?.role === "host" && this.phase === "meeting";
  }

  /** Staff may share their screen (the server refuses `screen` from anyone else). */
  get canShare(): boolean {
    const role = this.me?.role;
    return (role === "host" || role === "staff") && "getDisplayMedia" in (navigator.mediaDevices ?? {});
  }

  /** A camera that is on: what `media_state.video` tells the others (false without one). */
  get cameraOn(): boolean {
    return this.videoOn && (this.local?.getVideoTracks().length ?? 0) > 0;
  }

  /** Every RTCPeerConnection in use (tests read their stats through window.__naraVideo). */
  peers(): RTCPeerConnection[] {
    const out = [...this.mesh.values()].map((m) => m.pc);
    if (this.publisher) out.push(this.publisher);
    for (const s of this.subscriptions.values()) out.push(s.pc);
    return out;
  }

  // -- connection ------------------------------------------------------------------------

  start(): void {
    const socket = io(VIDEO_NAMESPACE, {
      withCredentials: true,
      transports: ["websocket", "polling"],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 8000,
    });
    this.socket = socket;
    socket.on("connect", () => void this.enqueue(() => this.join()));
    socket.on("disconnect", () => {
      if (this.closed) return;
      this.emit({ kind: "connection", up: false });
    });
    for (const name of SERVER_EVENTS) {
      socket.on(name, (data: Record<string, unknown>) => void this.enqueue(() => this.handle(name, data ?? {})));
    }
  }

  /** Socket.IO runs handlers as events come; one chain keeps them (and our awaits) in order.
   * Our own negotiations (a screen share without a camera) run in it too; the promise
   * settles when `fn` has run (a failure is told as an `error` event, never thrown). */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(fn).catch((err: unknown) => {
      if (this.closed) return;
      const code = err instanceof CallError ? err.code : "generic";
      console.warn("video: event failed", err);
      this.emit({ kind: "error", code });
    });
    return this.chain;
  }

  private call(event: ClientEvent, data?: unknown): Promise<Ack> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new CallError("network", "not connected"));
    return new Promise((resolve, reject) => {
      socket.timeout(20_000).emit(event, data ?? {}, (err: Error | null, ack: Ack) => {
        if (err) return reject(new CallError("network", err.message));
        if (ack?.error) return reject(new CallError(ack.error.code, ack.error.message));
        resolve(ack ?? {});
      });
    });
  }

  private async join(): Promise<void> {
    if (this.closed || !this.isLive()) return;
    const rejoining = this.joinedOnce;
    if (rejoining) {
      this.emit({ kind: "connection", up: true });
      this.closeMedia(); // the server gives us a new session: peers renegotiate
    }
    const body: Record<string, string> = { meeting_id: this.meetingId };
    if (this.invite && !rejoining) body.invite = this.invite;
    if (this.invite && rejoining && this.rejoinToken) body.rejoin = this.rejoinToken; // guests
    let ack: Ack;
    try {
      ack = await this.call("join", body);
    } catch (err) {
      this.failure = err instanceof CallError ? err.code : "generic";
      this.setPhase(this.failure === "meeting_ended" ? "ended" : "failed");
      this.stop();
      return;
    }
    this.joinedOnce = true;
    this.rejoinToken = typeof ack.rejoin === "string" ? ack.rejoin : null;
    this.me = ack.participant as MeetingParticipant;
    this.topology = String(ack.topology ?? "mesh");
    if (this.me.state === "admitted") {
      await this.onAdmitted(ack);
    } else {
      this.setPhase("waiting");
    }
    if (this.me.state === "admitted") void this.sendMediaState();
  }

  private isLive(): boolean {
    return this.phase === "connecting" || this.phase === "waiting" || this.phase === "meeting";
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.emit({ kind: "phase" });
  }

  /** Leave on purpose: the server frees our place at once. */
  async leave(): Promise<void> {
    if (this.isLive() && this.socket?.connected) {
      await this.call("leave").catch(() => undefined);
    }
    this.setPhase("left");
    this.stop();
  }

  async end(): Promise<void> {
    await this.call("end");
  }

  admit(pid: string): Promise<Ack> {
    return this.call("admit", { participant_id: pid });
  }

  remove(pid: string): Promise<Ack> {
    return this.call("remove", { participant_id: pid });
  }

  askMute(pid: string, kind: "audio" | "video" = "audio"): Promise<Ack> {
    return this.call("mute", { participant_id: pid, kind });
  }

  /** Close everything: socket, peer connections, camera and microphone. */
  stop(): void {
    this.closed = true;
    this.closeMedia();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    for (const track of this.local?.getTracks() ?? []) track.stop();
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.screenStream = null;
  }

  // -- local media -----------------------------------------------------------------------

  setAudio(on: boolean): void {
    this.audioOn = on;
    this.applyTrackState();
    void this.sendMediaState();
    this.emit({ kind: "local" });
  }

  setVideo(on: boolean): void {
    this.videoOn = on;
    this.applyTrackState();
    void this.sendMediaState();
    this.emit({ kind: "local" });
  }

  private applyTrackState(): void {
    for (const track of this.local?.getAudioTracks() ?? []) track.enabled = this.audioOn;
    for (const track of this.local?.getVideoTracks() ?? []) track.enabled = this.videoOn;
  }

  private async sendMediaState(): Promise<void> {
    if (this.phase !== "meeting") return;
    const state = { audio: this.audioOn, video: this.cameraOn, screen: this.screenTrack !== null };
    await this.call("media_state", state).catch(() => undefined);
  }

  // -- chat and screen sharing -----------------------------------------------------------

  /** Send a chat line; true when it was also stored in the thread. */
  async sendChat(body: string): Promise<boolean> {
    const ack = await this.call("chat", { body });
    return Boolean(ack.stored);
  }

  /** Share the screen (staff). With a camera, its sender gets the screen track on every
   * connection (mesh and SFU alike, no renegotiation) and stopping gives the camera back.
   * Without one (none, refused, audio only) the screen is a video track of its own: see
   * sendVideo(). The browser's own "stop sharing" ends the track and stops it the same way. */
  async startScreen(): Promise<void> {
    if (this.screenTrack) return;
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = display.getVideoTracks()[0];
    if (!track) return;
    if (this.closed || this.screenTrack) {
      track.stop();
      return;
    }
    this.screenTrack = track;
    this.screenStream = new MediaStream([track]);
    track.addEventListener("ended", () => void this.stopScreen());
    this.emit({ kind: "local" });
    await this.enqueue(() => this.sendVideo());
  }

  async stopScreen(): Promise<void> {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    this.screenStream = null;
    track.stop();
    this.emit({ kind: "local" });
    await this.enqueue(() => this.sendVideo());
  }

  /** The outgoing video changed (a share started or stopped): send it, then tell the others.
   * - a camera: its sender takes the screen or the camera again (replaceTrack);
   * - no camera, mesh: each connection is offered again with what we now send, the way
   *   connections are made (a new offer makes a new connection on both sides);
   * - no camera, SFU: the publisher's video sender (staff always publish one, empty without
   *   a camera: Janus takes one offer per publisher) takes the screen or goes empty, or, with
   *   nothing published yet, the first publish carries the screen. */
  private async sendVideo(): Promise<void> {
    if (this.closed) return;
    const camera = this.local?.getVideoTracks()[0] ?? null;
    if (camera) {
      await this.replaceVideo(this.screenTrack ?? camera);
    } else if (this.phase === "meeting" && this.topology === "mesh") {
      for (const pid of [...this.mesh.keys()]) {
        this.dropPeer(pid, false);
        await this.offerTo(pid);
      }
    } else if (this.phase === "meeting" && this.topology === "sfu") {
      if (this.publisher) await this.replaceVideo(this.screenTrack);
      else await this.publish();
    }
    await this.sendMediaState();
  }

  /** Every sender of video (also an empty one) on the mesh connections and the publisher. */
  private async replaceVideo(track: MediaStreamTrack | null): Promise<void> {
    const pcs = [...[...this.mesh.values()].map((m) => m.pc), ...(this.publisher ? [this.publisher] : [])];
    for (const pc of pcs) {
      for (const tr of pc.getTransceivers()) {
        const sends = tr.direction === "sendrecv" || tr.direction === "sendonly";
        if (sends && tr.receiver.track.kind === "video") await tr.sender.replaceTrack(track).catch(() => undefined);
      }
    }
  }

  /** What goes out: the microphone and the camera, the shared screen in the camera's place,
   * or the screen on its own when there is no camera. */
  private sending(): MediaStreamTrack[] {
    const tracks = (this.local?.getTracks() ?? []).map((t) => this.outgoing(t));
    if (this.screenTrack && !tracks.includes(this.screenTrack)) tracks.push(this.screenTrack);
    return tracks;
  }

  private sendStreams(): MediaStream[] {
    const stream = this.local ?? this.screenStream;
    return stream ? [stream] : [];
  }

  /** The outgoing video: the shared screen while sharing, else the camera. */
  private outgoing(track: MediaStreamTrack): MediaStreamTrack {
    return track.kind === "video" && this.screenTrack ? this.screenTrack : track;
  }

  /** Connection quality per other participant, from the stats of the connection their
   * media comes over: packet loss of what we receive and the round-trip time. */
  async quality(): Promise<Map<string, Quality>> {
    const out = new Map<string, Quality>();
    const conns: { pc: RTCPeerConnection; pidOf: (mid: string | undefined) => string | null }[] = [];
    for (const [pid, peer] of this.mesh) conns.push({ pc: peer.pc, pidOf: () => pid });
    for (const sub of this.subscriptions.values()) conns.push({ pc: sub.pc, pidOf: (mid) => sub.mids[mid ?? ""] ?? null });
    for (const { pc, pidOf } of conns) {
      const report = await pc.getStats().catch(() => null);
      if (!report) continue;
      let rtt = 0;
      const loss = new Map<string, { lost: number; got: number }>();
      report.forEach((st: Record<string, unknown>) => {
        if (st.type === "candidate-pair" && st.nominated && typeof st.currentRoundTripTime === "number") rtt = st.currentRoundTripTime;
        if (st.type === "inbound-rtp" && st.kind === "video") {
          const pid = pidOf(typeof st.mid === "string" ? st.mid : undefined);
          if (!pid) return;
          const row = loss.get(pid) ?? { lost: 0, got: 0 };
          row.lost += Number(st.packetsLost ?? 0);
          row.got += Number(st.packetsReceived ?? 0);
          loss.set(pid, row);
        }
      });
      for (const [pid, { lost, got }] of loss) out.set(pid, grade(got ? lost / (lost + got) : 0, rtt));
    }
    return out;
  }

  // -- events ----------------------------------------------------------------------------

  private async handle(name: ServerEvent, data: Record<string, unknown>): Promise<void> {
    if (this.closed) return;
    switch (name) {
      case "admitted":
        return this.onAdmitted(data);
      case "participants":
        return this.onParticipants(data.participants as MeetingParticipant[]);
      case "waiting_room": {
        const before = new Set(this.waiting.map((p) => p.id));
        this.waiting = (data.waiting as MeetingParticipant[]) ?? [];
        this.emit({ kind: "waiting", added: this.waiting.filter((p) => !before.has(p.id)) });
        return;
      }
      case "signal":
        return this.onSignal(data);
      case "topology":
        if (data.mode === "sfu" && this.topology !== "sfu") {
          this.topology = "sfu";
          if (this.phase === "meeting") await this.goSfu();
        }
        return;
      case "sfu_feeds":
        this.learnFeeds(data.feeds as FeedInfo[]);
        if (this.topology === "sfu" && this.phase === "meeting") await this.subscribeNew();
        return;
      case "left": {
        const pid = String(data.participant_id);
        this.feeds.delete(pid);
        this.subscribed.delete(pid);
        this.dropPeer(pid);
        return;
      }
      case "media_state": {
        const p = this.participants.get(String(data.participant_id));
        if (p) {
          p.audio = Boolean(data.audio);
          p.video = Boolean(data.video);
          p.screen = Boolean(data.screen);
          this.emit({ kind: "participants", joined: [], left: [] });
        }
        return;
      }
      case "mute_request":
        if (data.kind === "video") this.videoOn = false;
        else this.audioOn = false;
        this.applyTrackState();
        await this.sendMediaState();
        this.emit({ kind: "local" });
        this.emit({ kind: "notice", code: "mute_request", data });
        return;
      case "host_left":
        this.emit({ kind: "notice", code: "host_left", data });
        return;
      case "chat": {
        const line = data as unknown as ChatLine;
        this.chat.push(line);
        if (this.chat.length > 200) this.chat.shift();
        this.emit({ kind: "chat", line });
        return;
      }
      case "removed":
        this.setPhase(data.reason === "joined_elsewhere" ? "elsewhere" : "removed");
        this.stop();
        return;
      case "ended":
        this.endedBy = typeof data.by === "string" ? data.by : null;
        this.setPhase("ended");
        this.stop();
        return;
    }
  }

  private async onAdmitted(data: Record<string, unknown>): Promise<void> {
    // Exactly what the server gives: with no TURN configured that is [] (never a public STUN).
    this.iceServers = Array.isArray(data.ice_servers) ? (data.ice_servers as RTCIceServer[]) : [];
    this.topology = String(data.topology ?? this.topology);
    if (this.me) this.me.state = "admitted";
    this.learnFeeds((data.feeds as FeedInfo[]) ?? []);
    this.setPhase("meeting");
    await this.onParticipants((data.participants as MeetingParticipant[]) ?? []);
    if (this.topology === "sfu") await this.goSfu();
    await this.sendMediaState();
  }

  private async onParticipants(list: MeetingParticipant[]): Promise<void> {
    const before = this.participants;
    this.participants = new Map(list.map((p) => [p.id, p]));
    const myId = this.me?.id;
    if (myId && this.participants.has(myId)) this.me = this.participants.get(myId) ?? this.me;
    const joined = list.filter((p) => !before.has(p.id) && p.id !== myId);
    const left = [...before.values()].filter((p) => !this.participants.has(p.id) && p.id !== myId);
    for (const p of left) this.dropPeer(p.id);
    this.emit({ kind: "participants", joined: before.size ? joined : [], left });
    if (this.phase !== "meeting" || this.topology !== "mesh" || !myId) return;
    for (const [pid, info] of this.participants) {
      const peer = this.mesh.get(pid);
      if (peer && peer.session !== info.session) this.dropPeer(pid); // they rejoined
    }
    for (const pid of this.participants.keys()) {
      // The smaller id offers: exactly one side starts each pair.
      if (pid !== myId && !this.mesh.has(pid) && myId < pid) await this.offerTo(pid);
    }
  }

  // -- mesh ------------------------------------------------------------------------------

  private config(): RTCConfiguration {
    return { iceServers: this.iceServers, bundlePolicy: "max-bundle" };
  }

  private newMeshPeer(pid: string): MeshPeer {
    const pc = new RTCPeerConnection(this.config());
    const peer: MeshPeer = {
      pc,
      session: this.participants.get(pid)?.session ?? 1,
      described: false,
      outbox: [],
    };
    pc.onicecandidate = (e) => {
      if (!e.candidate || !e.candidate.candidate) return;
      const c = { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex };
      if (peer.described) this.sendCandidate(pid, c);
      else peer.outbox.push(c);
    };
    pc.ontrack = (e) => this.addRemoteTrack(pid, e.track);
    this.mesh.set(pid, peer);
    return peer;
  }

  private sendCandidate(pid: string, c: RTCIceCandidateInit): void {
    this.call("signal", { to: pid, candidate: c }).catch(() => undefined);
  }

  private async sendDescription(pid: string, peer: MeshPeer): Promise<void> {
    const d = peer.pc.localDescription;
    if (!d) return;
    await this.call("signal", { to: pid, description: { type: d.type, sdp: d.sdp } });
    peer.described = true;
    for (const c of peer.outbox.splice(0)) this.sendCandidate(pid, c);
  }

  private addLocalTracks(pc: RTCPeerConnection): void {
    const tracks = this.sending();
    for (const track of tracks) pc.addTrack(track, ...this.sendStreams());
    for (const kind of ["audio", "video"] as const) {
      if (!tracks.some((t) => t.kind === kind)) pc.addTransceiver(kind, { direction: "recvonly" });
    }
  }

  private async offerTo(pid: string): Promise<void> {
    const peer = this.newMeshPeer(pid);
    this.addLocalTracks(peer.pc);
    await peer.pc.setLocalDescription(await peer.pc.createOffer());
    await this.sendDescription(pid, peer);
  }

  private async onSignal(data: Record<string, unknown>): Promise<void> {
    if (this.topology !== "mesh" || this.phase !== "meeting") return;
    const from = String(data.from);
    const desc = data.description as Description | undefined;
    const cand = data.candidate as RTCIceCandidateInit | undefined;
    if (desc?.type === "offer") {
      // Both offered at once (a screen share without a camera offers again, whichever id is
      // smaller): the smaller id's offer wins, as when the pair first connected.
      const mine = this.mesh.get(from);
      const myId = this.me?.id ?? "";
      if (mine?.pc.signalingState === "have-local-offer" && myId < from) return;
      this.dropPeer(from, false); // a new offer means a new connection
      const peer = this.newMeshPeer(from);
      await peer.pc.setRemoteDescription(desc);
      // Our tracks take the transceivers the offer made; missing kinds stay receive-only.
      for (const track of this.sending()) peer.pc.addTrack(track, ...this.sendStreams());
      await peer.pc.setLocalDescription(await peer.pc.createAnswer());
      await this.sendDescription(from, peer);
      await this.flushCandidates(from, peer.pc);
    } else if (desc?.type === "answer") {
      const peer = this.mesh.get(from);
      if (!peer || peer.pc.signalingState !== "have-local-offer") return;
      await peer.pc.setRemoteDescription(desc);
      await this.flushCandidates(from, peer.pc);
    } else if (cand) {
      const peer = this.mesh.get(from);
      if (!peer || !peer.pc.remoteDescription) {
        // It can overtake the description it belongs to: keep it for a moment.
        const list = this.pendingCandidates.get(from) ?? [];
        list.push(cand);
        this.pendingCandidates.set(from, list.slice(-50));
        return;
      }
      await peer.pc.addIceCandidate(cand).catch(() => undefined);
    }
  }

  private async flushCandidates(pid: string, pc: RTCPeerConnection): Promise<void> {
    const list = this.pendingCandidates.get(pid) ?? [];
    this.pendingCandidates.delete(pid);
    for (const c of list) await pc.addIceCandidate(c).catch(() => undefined);
  }

  private dropPeer(pid: string, forgetMedia = true): void {
    const peer = this.mesh.get(pid);
    if (peer) {
      peer.pc.close();
      this.mesh.delete(pid);
    }
    if (forgetMedia && this.remote.delete(pid)) this.emit({ kind: "media", pid });
    if (!forgetMedia) {
      // The same person renegotiates: start from an empty stream for the new tracks.
      const old = this.remote.get(pid);
      if (old) for (const tr of old.getTracks()) old.removeTrack(tr);
    }
  }

  private addRemoteTrack(pid: string, track: MediaStreamTrack): void {
    let stream = this.remote.get(pid);
    if (!stream) {
      stream = new MediaStream();
      this.remote.set(pid, stream);
    }
    for (const old of stream.getTracks()) if (old.kind === track.kind) stream.removeTrack(old);
    stream.addTrack(track);
    this.emit({ kind: "media", pid });
  }

  // -- SFU -------------------------------------------------------------------------------

  private learnFeeds(feeds: FeedInfo[]): void {
    for (const f of feeds) this.feeds.set(f.participant_id, f.feed_id);
  }

  private async goSfu(): Promise<void> {
    for (const pid of [...this.mesh.keys()]) this.dropPeer(pid);
    await this.publish();
    await this.subscribeNew();
  }

  /** One send-only publisher with whatever we send (nothing to send: no publisher). Staff
   * without a camera also offer an empty video sender: Janus takes one offer per publisher,
   * so a screen shared later only fills it (replaceTrack). */
  private async publish(): Promise<void> {
    const tracks = this.sending();
    if (this.publisher || !tracks.length) return;
    const pc = new RTCPeerConnection(this.config());
    this.publisher = pc;
    const streams = this.sendStreams();
    for (const track of tracks) pc.addTransceiver(track, { direction: "sendonly", streams });
    if (this.canShare && !tracks.some((t) => t.kind === "video")) pc.addTransceiver("video", { direction: "sendonly", streams });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc); // Janus runs half-trickle: a complete offer needs no trickle
    const ack = await this.call("sfu_publish", { offer: plain(pc.localDescription) });
    await pc.setRemoteDescription(ack.answer as Description);
    this.learnFeeds((ack.feeds as FeedInfo[]) ?? []);
  }

  /** One new subscription to every known publisher not subscribed to yet (Janus's
   * multistream offer, answered receive-only). */
  private async subscribeNew(): Promise<void> {
    const myId = this.me?.id;
    const wanted = [...this.feeds.entries()]
      .filter(([pid, feed]) => pid !== myId && this.subscribed.get(pid) !== feed)
      .map(([pid]) => pid)
      .sort();
    if (!wanted.length) return;
    const ack = await this.call("sfu_subscribe", { participant_ids: wanted });
    for (const pid of wanted) this.subscribed.set(pid, this.feeds.get(pid) as number);
    const mids = (ack.mids as Record<string, string | null>) ?? {};
    const pc = new RTCPeerConnection(this.config());
    const subId = String(ack.subscription_id);
    this.subscriptions.set(subId, { pc, mids });
    pc.ontrack = (e) => {
      const pid = mids[e.transceiver.mid ?? ""];
      if (pid) this.addRemoteTrack(pid, e.track);
    };
    await pc.setRemoteDescription(ack.offer as Description);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await this.call("sfu_answer", { subscription_id: subId, answer: plain(pc.localDescription) });
  }

  private closeMedia(): void {
    for (const peer of this.mesh.values()) peer.pc.close();
    this.mesh.clear();
    this.pendingCandidates.clear();
    this.publisher?.close();
    this.publisher = null;
    for (const s of this.subscriptions.values()) s.pc.close();
    this.subscriptions.clear();
    this.subscribed.clear();
    this.feeds.clear();
    const pids = [...this.remote.keys()];
    this.remote.clear();
    for (const pid of pids) this.emit({ kind: "media", pid });
  }
}

function grade(lossRate: number, rtt: number): Quality {
  if (lossRate > 0.08 || rtt > 0.6) return "poor";
  if (lossRate > 0.02 || rtt > 0.3) return "fair";
  return "good";
}

interface FeedInfo {
  participant_id: string;
  feed_id: number;
}

function plain(d: RTCSessionDescription | null): Description {
  return { type: (d?.type ?? "offer") as Description["type"], sdp: d?.sdp ?? "" };
}

/** Wait until ICE gathering is complete (at most 3 s: then what we have goes). */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      if (pc.iceGatheringState !== "complete") return;
      pc.removeEventListener("icegatheringstatechange", done);
      resolve();
    };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 3000);
  });
}
