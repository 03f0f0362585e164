// What every view gets: who is logged in and the live connection.
import type { LiveConnection } from "./live/connection";
import type { Me } from "./types";

export interface AppContext {
  me: Me;
  live: LiveConnection;
}

/** A mounted view: rendered into a container, re-rendered on a language change, then removed. */
export interface View {
  readonly element: HTMLElement;
  /** Draw again from the current state (after a language change). */
  render(): void;
  /** The location hash changed (#/t/<id>, #/new, #/). */
  route(hash: string): void;
  destroy(): void;
}

export function parseHash(hash: string): {
  kind: "home" | "thread" | "new" | "log" | "settings" | "form" | "admin";
  id: string | null;
} {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts[0] === "t" && parts[1]) return { kind: "thread", id: parts[1] };
  if (parts[0] === "log") return { kind: "log", id: null };
  if (parts[0] === "settings") return { kind: "settings", id: null };
  if (parts[0] === "new") return { kind: "new", id: parts[1] ?? null };
  if (parts[0] === "form" && parts[1]) return { kind: "form", id: parts[1] };
  if (parts[0] === "admin") return { kind: "admin", id: parts[1] ?? null };
  return { kind: "home", id: null };
}
