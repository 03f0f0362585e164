// The shapes the server sends (chat/views.py, server/api/schemas.py). Only what the client uses.

export type Urgency = "akut" | "bradskande" | "snart" | "rutin";
export type ThreadStatus = "open" | "waiting_for_patient" | "closed";
export type MessageKind = "text" | "internal_note" | "system";

export interface Person {
  id: string;
  name: string;
  kind: string; // "patient" | "staff"
  profession?: string | null;
}

export interface Attachment {
  id: string;
  name: string;
  mime: string;
  size: number;
  url: string;
  thumbnail_url?: string | null;
}

export interface Message {
  id: string;
  thread_id: string;
  seq: number;
  kind: MessageKind | string;
  body: string;
  author: Person | null;
  client_id: string | null;
  event?: Record<string, unknown> | null;
  attachments?: Attachment[];
  created_at: string;
}

export interface Team {
  id: string;
  key: string;
  name: string;
  unit_id: string;
}

export interface Routing {
  category: string;
  urgency: string;
  confidence: number;
  reasons: string[];
  needs_triage: boolean;
  red_flag_kind?: string | null;
  presentation?: string | null;
  presentation_name?: string | null;
  safety_net_reply?: string | null;
}

export interface Thread {
  id: string;
  subject: string;
  case_type: string;
  status: ThreadStatus | string;
  patient: Person;
  team: Team;
  assignee: Person | null;
  last_seq: number;
  unread: number;
  read_seq: number;
  attachments_allowed: boolean;
  patient_visible: boolean;
  urgency: Urgency | string | null;
  category: string | null;
  flagged_acute: boolean;
  routing?: Routing | null;
  response_due_at: string | null;
  created_at: string;
  updated_at: string;
  /** Staff only: escalation steps taken since the due time passed. */
  escalation_step?: number;
}

export interface CareContact {
  id: string;
  patient_id: string;
  title: string;
  team: Team | null;
  coordinator: Person | null;
  members: Person[];
  how_to_reach: string;
  when_to_reach: string;
  response_time_hours: number;
  communication_terms: string;
}

export interface Emergency {
  reply: string;
  red_flag_kind?: string | null;
  message?: Message;
}

/** Advice for a serious message short of acute ("if it gets worse, call 112"). */
export interface SafetyNet {
  reply: string;
  presentation?: string | null;
  presentation_name?: string | null;
  message?: Message;
}

export interface SendResult {
  message: Message;
  duplicate?: boolean;
  thread?: Thread | null;
  emergency?: Emergency | null;
  safety_net?: SafetyNet | null;
}

export interface Me {
  user: Person;
  patients: Person[];
  team_ids: string[];
  unit_ids: string[];
  admin_unit_ids: string[];
}

export interface ReadMark {
  user: Person;
  seq: number;
}

export interface OutgoingMessage {
  client_id: string;
  body: string;
  kind?: "text" | "internal_note";
  attachment_ids?: string[];
  request_files?: boolean;
}

// Live events on the /chat namespace (server/realtime.py, chat/service.py).
export interface ReadEvent {
  thread_id: string;
  user_id: string;
  seq: number;
}
export interface TypingEvent {
  thread_id: string;
  user_id: string;
  name: string;
  internal: boolean;
}
/** An acute alert to the unit's staff (GET /alerts, live acute_alert and alert_acknowledged). */
export interface AcuteAlert {
  id: string;
  thread_id: string;
  unit_id: string;
  patient: Person;
  presentation: string | null;
  presentation_name: string | null;
  red_flag_kind: string | null;
  reasons: string[];
  state: "open" | "acknowledged" | string;
  raised_at: string;
  acknowledged_at?: string | null;
  acknowledged_by?: Person | null;
}

// Video meetings (server/api/meeting_routes.py, signaling/live.py).
export interface Meeting {
  id: string;
  thread_id: string | null;
  title: string;
  status: "scheduled" | "live" | "ended" | string;
  scheduled_at: string | null;
  max_participants: number;
  my_role: "host" | "staff" | "patient" | "guest" | string;
}

export interface MeetingInvite {
  token: string;
  url: string;
  expires_at: string;
}

/** A participant as the /video namespace describes it (LiveMeeting Participant.public()). */
export interface MeetingParticipant {
  id: string;
  name: string;
  role: "host" | "staff" | "patient" | "guest" | string;
  profession: string | null;
  state: "waiting" | "admitted" | string;
  since: string;
  audio: boolean;
  video: boolean;
  screen: boolean;
  connected: boolean;
  session: number;
}

/** One row of the patient's own log extract (PDL 8 kap. 5 §). */
export interface PatientLogEntry {
  at: string;
  unit_id: string | null;
  unit_name: string;
  staff_name: string;
  profession: string | null;
  action: string;
  emergency: boolean;
}

export interface PatientLogPage {
  entries: PatientLogEntry[];
  next_before_id: number | null;
}

/** GET /me/notifications: my channels, verified addresses and quiet hours. */
export interface NotificationSettings {
  available: string[];
  email: string | null;
  email_verified: boolean;
  email_enabled: boolean;
  phone: string | null;
  phone_verified: boolean;
  sms_enabled: boolean;
  push_enabled: boolean;
  push_subscriptions: number;
  quiet_start: string | null;
  quiet_end: string | null;
  vapid_public_key: string | null;
  pending_verification: string[];
}
