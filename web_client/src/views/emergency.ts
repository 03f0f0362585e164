// The emergency message: impossible to miss, with links that dial 112 and 1177 on a phone.
import { h } from "../dom";
import { t } from "../i18n";

/** The alert after a send that the server judged acute (`emergency` in the send result). */
export function emergencyAlert(reply: string, onDismiss?: () => void): HTMLElement {
  const box = h(
    "div",
    { class: "emergency-alert", role: "alert", tabindex: "-1", "data-focus-first": "" },
    h("h2", { class: "emergency-title", text: t("emergency.title") }),
    h("p", { class: "emergency-reply", text: reply || t("emergency.body") }),
    h(
      "div",
      { class: "emergency-actions" },
      h("a", { class: "button button-emergency", href: "tel:112", text: t("emergency.call112") }),
      h("a", { class: "button button-secondary", href: "tel:1177", text: t("emergency.call1177") }),
    ),
  );
  if (onDismiss) {
    box.append(
      h("button", {
        type: "button",
        class: "button button-quiet",
        text: t("emergency.dismiss"),
        onclick: onDismiss,
      }),
    );
  }
  return box;
}

/** Safety-net advice inside a thread (a system message with event type "safety_net"): the
 * message was serious but not acute; it says when to call 112 or 1177. Calmer than 112. */
export function safetyNetNote(body: string): HTMLElement {
  return h(
    "div",
    { class: "safety-net-note" },
    h("p", { class: "safety-net-title", text: t("safetyNet.title") }),
    h("p", { class: "message-body", text: body }),
    h(
      "p",
      { class: "emergency-actions" },
      h("a", { class: "button button-emergency", href: "tel:112", text: t("emergency.call112") }),
      h("a", { class: "button button-secondary", href: "tel:1177", text: t("emergency.call1177") }),
    ),
  );
}

/** The stored automatic reply inside a thread (a system message with event type "emergency"). */
export function emergencyNote(body: string): HTMLElement {
  return h(
    "div",
    { class: "emergency-note" },
    h("p", { class: "emergency-note-title", text: t("emergency.title") }),
    h("p", { class: "message-body", text: body }),
    h(
      "p",
      { class: "emergency-actions" },
      h("a", { class: "button button-emergency", href: "tel:112", text: t("emergency.call112") }),
      h("a", { class: "button button-secondary", href: "tel:1177", text: t("emergency.call1177") }),
    ),
  );
}
