// The shapes the server sends. Most are the generated types of the server's OpenAPI document
// (api.gen.ts, made by scripts/api-types.sh: do not edit that file); what OpenAPI does not
// describe (live events, the /video namespace, literal unions) is written here.
import type { components } from "./api.gen";

type Schemas = components["schemas"];

export type Urgency = "akut" | "bradskande" | "snart" | "rutin";
export type ThreadStatus = "open" | "waiting_for_patient" | "closed";
export type MessageKind = "text" | "internal_note" | "system";

export type Person = Schemas["PersonView"];
export type Attachment = Schemas["AttachmentView"];
export type Message = Schemas["MessageView"];
export type Team = Schemas["TeamView"];
export type Routing = Schemas["RoutingView"];
export type Thread = Schemas["ThreadView"];
export type CareContact = Schemas["CareContactView"];
export type Emergency = Schemas["EmergencyView"];

/** Advice for a serious message short of acute ("if it gets worse, call 112"). */
export type SafetyNet = Schemas["SafetyNetView"];
export type SendResult = Schemas["SendResult"];
export type UploadResult = Schemas["UploadResult"];
export type Me = Schemas["MeResponse"];

export type ReadMark = Schemas["ReadMarkView"];

/** What the client sends: the fields with a server default may be left out. */
export type OutgoingMessage = Pick<Schemas["MessageIn"], "client_id" | "body"> &
  Partial<Pick<Schemas["MessageIn"], "kind" | "attachment_ids" | "request_files">>;

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
export type AcuteAlert = Schemas["AlertView"];

// Video meetings (server/api/meeting_routes.py, signaling/live.py).
export type Meeting = Schemas["MeetingView"];
export type MeetingInvite = Schemas["InviteOut"];

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
export type PatientLogEntry = Schemas["PatientLogEntry"];
export type PatientLogPage = Schemas["PatientLogPage"];

/** GET /me/notifications: my channels, verified addresses and quiet hours. */
export type NotificationSettings = Schemas["NotificationSettingsView"];
