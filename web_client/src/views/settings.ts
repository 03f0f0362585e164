// Notification settings: e-mail and SMS with a verification code, Web Push in this browser,
// quiet hours. The notices themselves never say what a message is about.
import { api } from "../api";
import { focusHeading, h, uid } from "../dom";
import { errorText } from "../format";
import { t } from "../i18n";
import type { NotificationSettings } from "../types";

type Channel = "email" | "sms";

function b64ToBytes(value: string): Uint8Array {
  const padded = value.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (value.length % 4)) % 4);
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export function pushSupported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration("/");
  return reg ? reg.pushManager.getSubscription() : null;
}

export class SettingsPage {
  readonly element = h("div", { class: "page stack-lg settings-page" });
  private settings: NotificationSettings | null = null;
  private readonly status = h("p", { class: "hint", role: "status" });
  private readonly error = h("p", { class: "form-error", role: "alert" });
  private codeFor: Channel | null = null;
  private subscribedHere = false;

  constructor() {
    this.element.append(h("p", { class: "loading", role: "status", text: t("app.loading") }));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.settings = await api.notificationSettings();
      this.subscribedHere = (await currentSubscription().catch(() => null)) !== null;
    } catch (err) {
      this.element.replaceChildren(h("p", { class: "form-error", role: "alert", text: errorText(err) }));
      return;
    }
    this.render();
    focusHeading(this.element.querySelector("h1"));
  }

  render(): void {
    const s = this.settings;
    if (!s) return;
    this.element.replaceChildren(
      h("a", { class: "back-link", href: "#/", text: `← ${t("settings.back")}` }),
      h("h1", { "data-focus-on-route": "", text: t("settings.title") }),
      h("p", { class: "lead", text: t("settings.intro") }),
      h("p", { class: "hint", text: t("settings.example") }),
      this.status,
      this.error,
      this.addressSection("email", s),
      this.addressSection("sms", s),
      this.pushSection(s),
      this.quietSection(s),
    );
  }

  private async act(work: () => Promise<NotificationSettings>, focus?: string): Promise<void> {
    this.error.textContent = "";
    this.status.textContent = "";
    try {
      this.settings = await work();
      this.render();
      this.status.textContent = t("settings.saved");
      if (focus) this.element.querySelector<HTMLElement>(focus)?.focus();
    } catch (err) {
      this.error.textContent = errorText(err);
    }
  }

  private addressSection(channel: Channel, s: NotificationSettings): HTMLElement {
    const title = channel === "email" ? t("settings.email") : t("settings.sms");
    const headingId = uid("set-h");
    const section = h("section", { class: "card stack", "aria-labelledby": headingId }, h("h2", { id: headingId, text: title }));
    if (!s.available.includes(channel)) {
      section.append(h("p", { class: "hint", text: t("settings.unavailable", { channel: title }) }));
      return section;
    }
    const address = channel === "email" ? s.email : s.phone;
    const verified = channel === "email" ? s.email_verified : s.phone_verified;
    const enabled = channel === "email" ? s.email_enabled : s.sms_enabled;
    if (address && verified) {
      const boxId = uid("use");
      section.append(
        h("p", { text: t("settings.verified", { address }) }),
        h(
          "div",
          { class: "choice" },
          h("input", {
            type: "checkbox",
            id: boxId,
            checked: enabled,
            "data-channel-toggle": channel,
            onchange: (e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              void this.act(
                () => api.updateNotifications(channel === "email" ? { email_enabled: on } : { sms_enabled: on }),
                `[data-channel-toggle="${channel}"]`,
              );
            },
          }),
          h("label", { for: boxId, text: channel === "email" ? t("settings.useEmail") : t("settings.useSms") }),
        ),
        h("button", {
          type: "button",
          class: "button button-quiet",
          text: t("settings.remove"),
          onclick: () => void this.act(() => api.removeAddress(channel)),
        }),
      );
    } else {
      section.append(h("p", { class: "hint", text: t("settings.none") }));
    }
    const inputId = uid("addr");
    const input = h("input", {
      id: inputId,
      type: channel === "email" ? "email" : "tel",
      autocomplete: channel === "email" ? "email" : "tel",
      maxlength: 254,
      required: true,
    });
    section.append(
      h(
        "form",
        {
          class: "inline-form",
          novalidate: true,
          onsubmit: (e: Event) => {
            e.preventDefault();
            const value = input.value.trim();
            if (!value) return;
            this.codeFor = channel;
            void this.act(() => api.sendCode(channel, value), `[data-code-for="${channel}"]`);
          },
        },
        h("div", { class: "field" }, h("label", { for: inputId, text: channel === "email" ? t("settings.address") : t("settings.phone") }), input),
        h("button", { type: "submit", class: "button button-secondary", text: t("settings.sendCode") }),
      ),
    );
    if (s.pending_verification.includes(channel) || this.codeFor === channel) {
      const codeId = uid("code");
      const code = h("input", {
        id: codeId,
        inputmode: "numeric",
        autocomplete: "one-time-code",
        pattern: "[0-9]{6}",
        maxlength: 6,
        "data-code-for": channel,
      });
      section.append(
        h(
          "form",
          {
            class: "inline-form",
            novalidate: true,
            onsubmit: (e: Event) => {
              e.preventDefault();
              void this.act(() => api.confirmCode(channel, code.value.trim())).then(() => {
                if (!this.error.textContent) this.codeFor = null;
              });
            },
          },
          h("p", { class: "hint", text: t("settings.codeSent") }),
          h("div", { class: "field" }, h("label", { for: codeId, text: t("settings.code") }), code),
          h("button", { type: "submit", class: "button button-primary", text: t("settings.confirm") }),
        ),
      );
    }
    return section;
  }

  private pushSection(s: NotificationSettings): HTMLElement {
    const headingId = uid("set-h");
    const section = h(
      "section",
      { class: "card stack", "aria-labelledby": headingId },
      h("h2", { id: headingId, text: t("settings.push") }),
    );
    if (!s.available.includes("push") || !s.vapid_public_key) {
      section.append(h("p", { class: "hint", text: t("settings.unavailable", { channel: t("settings.push") }) }));
      return section;
    }
    if (!pushSupported()) {
      section.append(h("p", { class: "hint", text: t("settings.pushUnsupported") }));
      return section;
    }
    if (s.push_enabled && s.push_subscriptions > 0) {
      section.append(h("p", { text: t("settings.pushActive", { n: s.push_subscriptions }) }));
    }
    const key = s.vapid_public_key;
    section.append(
      this.subscribedHere
        ? h("button", { type: "button", class: "button button-secondary", text: t("settings.pushOff"), onclick: () => void this.pushOff() })
        : h("button", { type: "button", class: "button button-secondary", text: t("settings.pushOn"), onclick: () => void this.pushOn(key) }),
    );
    return section;
  }

  private async pushOn(key: string): Promise<void> {
    this.error.textContent = "";
    if ((await Notification.requestPermission()) !== "granted") {
      this.error.textContent = t("attention.denied");
      return;
    }
    try {
      const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: b64ToBytes(key) as BufferSource,
      });
      this.subscribedHere = true;
      await this.act(() => api.pushSubscribe(sub.toJSON()));
    } catch (err) {
      this.error.textContent = errorText(err);
    }
  }

  private async pushOff(): Promise<void> {
    const sub = await currentSubscription().catch(() => null);
    this.subscribedHere = false;
    if (!sub) return this.render();
    const endpoint = sub.endpoint;
    await sub.unsubscribe().catch(() => false);
    await this.act(() => api.pushUnsubscribe(endpoint));
  }

  private quietSection(s: NotificationSettings): HTMLElement {
    const headingId = uid("set-h");
    const fromId = uid("quiet-from");
    const toId = uid("quiet-to");
    const from = h("input", { id: fromId, type: "time", value: s.quiet_start ?? "22:00", required: true });
    const to = h("input", { id: toId, type: "time", value: s.quiet_end ?? "07:00", required: true });
    return h(
      "section",
      { class: "card stack", "aria-labelledby": headingId },
      h("h2", { id: headingId, text: t("settings.quiet") }),
      h("p", { class: "hint", text: t("settings.quietIntro") }),
      h("p", {
        text: s.quiet_start && s.quiet_end ? t("settings.quietNow", { from: s.quiet_start, to: s.quiet_end }) : t("settings.quietNone"),
      }),
      h(
        "form",
        {
          class: "inline-form",
          novalidate: true,
          onsubmit: (e: Event) => {
            e.preventDefault();
            void this.act(() => api.updateNotifications({ quiet_hours: { start: from.value.slice(0, 5), end: to.value.slice(0, 5) } }));
          },
        },
        h("div", { class: "field" }, h("label", { for: fromId, text: t("settings.quietFrom") }), from),
        h("div", { class: "field" }, h("label", { for: toId, text: t("settings.quietTo") }), to),
        h("button", { type: "submit", class: "button button-secondary", text: t("settings.quietSave") }),
        s.quiet_start
          ? h("button", {
              type: "button",
              class: "button button-quiet",
              text: t("settings.quietClear"),
              onclick: () => void this.act(() => api.updateNotifications({ quiet_hours: null })),
            })
          : null,
      ),
    );
  }
}
