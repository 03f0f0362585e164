// Where the server's errors about a definition are shown. Each part of the editor registers
// the path the server names it by ("definition.fields.2.label"); a problem goes to the part
// with the longest registered prefix of its path, beside the control, and into the summary.
import { h, uid } from "../dom";
import { codeText } from "./editor_i18n";
import type { Problem } from "./editor_model";

interface Slot {
  error: HTMLElement;
  /** Described by the error (aria-describedby); marked aria-invalid when a form control. */
  described: HTMLElement;
  focus: HTMLElement;
  name: () => string;
}

export interface Shown {
  text: string;
  name: string;
  focus: HTMLElement | null;
}

const CONTROLS = new Set(["INPUT", "SELECT", "TEXTAREA"]);

export class ErrorSlots {
  private readonly slots = new Map<string, Slot>();

  /** The error line of the part at `path` (placed by the caller next to the control). */
  add(path: string, described: HTMLElement, name: () => string, focus: HTMLElement = described): HTMLElement {
    const error = h("p", { class: "field-error", id: uid("ed-err") });
    const before = described.getAttribute("aria-describedby");
    described.setAttribute("aria-describedby", before ? `${before} ${error.id}` : error.id);
    this.slots.set(path, { error, described, focus, name });
    return error;
  }

  /** Forget the parts under `prefix` (their elements are drawn anew), or all of them. */
  drop(prefix?: string): void {
    for (const path of [...this.slots.keys()]) if (prefix === undefined || path.startsWith(`${prefix}.`)) this.slots.delete(path);
  }

  clear(): void {
    for (const s of this.slots.values()) {
      s.error.textContent = "";
      s.described.removeAttribute("aria-invalid");
    }
  }

  /** Show each problem beside its part; what was shown, in order, for the summary. */
  show(problems: Problem[]): Shown[] {
    this.clear();
    return problems.map((p) => {
      const slot = this.find(p.path);
      const text = codeText(p.code);
      if (!slot) return { text, name: "", focus: null };
      slot.error.textContent = slot.error.textContent ? `${slot.error.textContent} ${text}` : text;
      if (CONTROLS.has(slot.described.tagName)) slot.described.setAttribute("aria-invalid", "true");
      return { text, name: slot.name(), focus: slot.focus };
    });
  }

  private find(path: string): Slot | undefined {
    const parts = path.split(".");
    for (let n = parts.length; n > 0; n -= 1) {
      const slot = this.slots.get(parts.slice(0, n).join("."));
      if (slot) return slot;
    }
    return undefined;
  }
}
