// The editor's draft of a case type, and the body of PUT /case-types/{id} made from it. No
// rules are checked here: the server checks the definition and names each bad part.
import type { ApiError } from "../api";
import type { components } from "../api.gen";
import type { CaseType, FieldDef } from "./api";

export type FieldType = FieldDef["type"];
export const FIELD_TYPES: readonly FieldType[] = [
  "short_text",
  "long_text",
  "single_choice",
  "multiple_choice",
  "yes_no",
  "number",
  "date",
  "file",
];
export type Dates = "any" | "past" | "future";
export const DATES: readonly Dates[] = ["any", "past", "future"];
export type Audience = components["schemas"]["Audience"];
export const AUDIENCES: readonly Audience[] = ["listed", "care_contact", "sent_only"];

export interface OptionDraft {
  value: string;
  label: string;
}

/** One field as typed in the editor. Numbers stay text until sent; every type's attributes
 * are kept, so changing the type back and forth loses nothing, but only the current type's
 * are sent. */
export interface FieldDraft {
  key: string;
  type: FieldType;
  label: string;
  help: string;
  required: boolean;
  maxLength: string;
  options: OptionDraft[];
  minSelected: string;
  maxSelected: string;
  unit: string;
  min: string;
  max: string;
  integer: boolean;
  dates: Dates;
  maxFiles: string;
}

export interface Draft {
  name: string;
  description: string;
  audience: Audience;
  teamId: string;
  hours: string;
  attachments: boolean;
  fields: FieldDraft[];
}

const text = (n: number | null | undefined): string => (n === null || n === undefined ? "" : String(n));

export function toDraft(c: CaseType): Draft {
  return {
    name: c.name,
    description: c.description,
    audience: c.audience as Audience, // the server's Audience, typed as a string in the view
    teamId: c.team_id ?? "",
    hours: String(c.response_time_hours),
    attachments: c.attachments_allowed,
    fields: c.fields.map(fieldDraft),
  };
}

function fieldDraft(f: FieldDef): FieldDraft {
  return {
    key: f.key,
    type: f.type,
    label: f.label,
    help: f.help,
    required: f.required,
    maxLength: text(f.max_length),
    options: (f.options ?? []).map((o) => ({ ...o })),
    minSelected: text(f.min_selected),
    maxSelected: text(f.max_selected),
    unit: f.unit ?? "",
    min: text(f.min),
    max: text(f.max),
    integer: f.integer,
    dates: f.dates,
    maxFiles: text(f.max_files),
  };
}

/** A new, empty field with a key no other field of the form has (answers are kept by key). */
export function newField(type: FieldType, fields: FieldDraft[]): FieldDraft {
  const key = freshKey("fraga", new Set(fields.map((f) => f.key)));
  const empty = { maxLength: "", minSelected: "", maxSelected: "", unit: "", min: "", max: "", maxFiles: "" };
  return { key, type, label: "", help: "", required: false, options: [], integer: false, dates: "any", ...empty };
}

export function newOption(f: FieldDraft): OptionDraft {
  return { value: freshKey("alt", new Set(f.options.map((o) => o.value))), label: "" };
}

function freshKey(prefix: string, taken: Set<string>): string {
  for (let n = 1; ; n += 1) if (!taken.has(`${prefix}_${n}`)) return `${prefix}_${n}`;
}

export function move<T>(items: T[], from: number, to: number): void {
  if (to < 0 || to >= items.length) return;
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item as T);
}

/** A number as typed: empty is left out, a number is sent as one, anything else as typed, so
 * the server names what is wrong with it. */
function num(raw: string): number | string | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  const n = Number(s.replace(",", ".").replace(/\s/g, ""));
  return Number.isFinite(n) ? n : s;
}

type Body = Record<string, unknown>;

function put(out: Body, name: string, value: unknown): void {
  if (value !== undefined) out[name] = value;
}

function fieldBody(f: FieldDraft): Body {
  const out: Body = { key: f.key, type: f.type, label: f.label, help: f.help, required: f.required };
  switch (f.type) {
    case "short_text":
    case "long_text":
      put(out, "max_length", num(f.maxLength));
      break;
    case "multiple_choice":
      put(out, "min_selected", num(f.minSelected));
      put(out, "max_selected", num(f.maxSelected));
      out["options"] = f.options;
      break;
    case "single_choice":
      out["options"] = f.options;
      break;
    case "number":
      put(out, "unit", f.unit.trim() || undefined);
      put(out, "min", num(f.min));
      put(out, "max", num(f.max));
      out["integer"] = f.integer;
      break;
    case "date":
      out["dates"] = f.dates;
      break;
    case "file":
      put(out, "max_files", num(f.maxFiles));
      break;
    default:
      break;
  }
  return out;
}

export interface EditBody {
  team_id: string | null;
  definition: Body;
}

export function editBody(d: Draft): EditBody {
  return {
    team_id: d.teamId || null,
    definition: {
      name: d.name,
      description: d.description,
      audience: d.audience,
      response_time_hours: num(d.hours) ?? null,
      attachments_allowed: d.attachments,
      fields: d.fields.map(fieldBody),
    },
  };
}

/** One problem the server named: where ("definition.fields.2.label") and its code. */
export interface Problem {
  path: string;
  code: string;
}

export function problemsOf(err: ApiError): Problem[] {
  const list = err.details?.["errors"];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => {
    const item = e as { field?: unknown; code?: unknown };
    return typeof item.field === "string" ? [{ path: item.field, code: typeof item.code === "string" ? item.code : "" }] : [];
  });
}
