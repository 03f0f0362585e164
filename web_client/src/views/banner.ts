// "Anslutningen bröts – försöker igen": visible while the live connection is down.
import { h } from "../dom";
import { t } from "../i18n";
import type { ConnectionState, LiveConnection } from "../live/connection";

export class ConnectionBanner {
  readonly element = h("div", { class: "conn-banner", role: "status", "aria-live": "polite" });
  private state: ConnectionState = "connecting";

  constructor(live: LiveConnection) {
    live.onState((s) => {
      this.state = s;
      this.render();
    });
  }

  render(): void {
    const lost = this.state === "lost";
    this.element.hidden = !lost;
    this.element.textContent = lost ? t("conn.lost") : "";
    this.element.classList.toggle("conn-banner-lost", lost);
  }
}
