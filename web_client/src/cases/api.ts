// REST calls of case types, forms, consultations, directory and standard answers.
import { call } from "../api";
import type { components } from "../api.gen";
import type { SendResult, Thread } from "../types";
import type { EditBody } from "./editor_model";

type Schemas = components["schemas"];
export type CaseType = Schemas["CaseTypeView"];
export type FieldDef = Schemas["FieldDef"];
export type CaseForm = Schemas["CaseFormView"];
export type CaseRequest = Schemas["CaseRequestView"];
export type StartResult = Schemas["StartResult"];
export type StaffEntry = Schemas["StaffEntry"];
export type PatientHit = Schemas["PatientHit"];
export type StandardAnswer = Schemas["StandardAnswerView"];
export type Answers = Record<string, unknown>;
export type Template = Schemas["TemplateView"];

function qs(params: Record<string, string | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const text = p.toString();
  return text ? `?${text}` : "";
}

export const cases = {
  available: (patientId: string) => call<CaseType[]>("GET", `/patients/${patientId}/case-types`),
  caseType: (id: string) => call<CaseType>("GET", `/case-types/${id}`),
  unitCaseTypes: (unitId: string) => call<CaseType[]>("GET", `/units/${unitId}/case-types`),
  start: (id: string, patientId: string, clientId: string, answers: Answers) =>
    call<StartResult>("POST", `/case-types/${id}/threads`, { patient_id: patientId, client_id: clientId, answers }),
  requests: () => call<CaseRequest[]>("GET", "/case-requests"),
  answer: (requestId: string, clientId: string, answers: Answers) =>
    call<StartResult>("POST", `/case-requests/${requestId}/answer`, { client_id: clientId, answers }),
  threadForm: (threadId: string) => call<CaseForm>("GET", `/threads/${threadId}/case-form`),
  sendRequest: (id: string, body: { patient_id: string; client_id: string; team_id?: string; planned_at?: string; note?: string }) =>
    call<SendResult>("POST", `/case-types/${id}/requests`, body),
  staff: (q: string) => call<StaffEntry[]>("GET", `/directory/staff${qs({ q })}`),
  patients: (q: string) => call<PatientHit[]>("GET", `/directory/patients${qs({ q })}`),
  searchInbox: (q: string, caseType: string | null) =>
    call<{ threads: Thread[] }>("GET", `/inbox/search${qs({ q, case_type: caseType })}`).then((r) => r.threads),
  addParticipant: (threadId: string, userId: string) =>
    call<Thread>("POST", `/threads/${threadId}/participants`, { user_id: userId }),
  consult: (threadId: string, userIds: string[], subject: string, clientId: string, body: string) =>
    call<{ thread: Thread; source_thread_id: string }>("POST", `/threads/${threadId}/consultations`, {
      user_ids: userIds,
      subject,
      message: { client_id: clientId, body },
    }),
  consultations: (threadId: string) => call<Thread[]>("GET", `/threads/${threadId}/consultations`),
  standardAnswers: (threadId: string) => call<StandardAnswer[]>("GET", `/threads/${threadId}/standard-answers`),
  // unit administration
  templates: () => call<Template[]>("GET", "/case-type-templates"),
  copyTemplate: (unitId: string, key: string) =>
    call<CaseType>("POST", `/units/${unitId}/case-types`, { key, template_key: key }),
  /** A new version of the case type (PUT /case-types/{id}); the server checks the definition. */
  saveCaseType: (id: string, body: EditBody) => call<CaseType>("PUT", `/case-types/${id}`, body),
  setActive: (id: string, active: boolean) => call<CaseType>("POST", `/case-types/${id}/active`, { active }),
  unitStandardAnswers: (unitId: string) => call<StandardAnswer[]>("GET", `/units/${unitId}/standard-answers`),
  addStandardAnswer: (unitId: string, title: string, body: string) =>
    call<StandardAnswer>("POST", `/units/${unitId}/standard-answers`, { title, body }),
  deleteStandardAnswer: (unitId: string, id: string) =>
    call<unknown>("DELETE", `/units/${unitId}/standard-answers/${id}`),
  phoneHours: (unitId: string) => call<{ text: string }>("GET", `/units/${unitId}/phone-hours`),
  setPhoneHours: (unitId: string, text: string) => call<{ text: string }>("PUT", `/units/${unitId}/phone-hours`, { text }),
};
