// "Videomöte pågår: … [Gå med]" above every page (the patient's home page, the staff inbox):
// the meetings for me that have not ended (GET /api/v1/meetings), asked again when the live
// connection says `meeting` (started, invited, ended) and after a reconnect.
import { api } from "../api";
import type { AppContext } from "../context";
import { h, uid } from "../dom";
import { t } from "../i18n";
import type { Meeting } from "../types";
import { openMeeting } from "./index";

export class MeetingAnnouncements {
  readonly element: HTMLElement;
  private meetings: Meeting[] = [];
  private readonly unlisten: () => void;
  private readonly headingId = uid("meetings");

  constructor(private readonly ctx: AppContext) {
    this.element = h("section", { class: "meeting-banner", "aria-labelledby": this.headingId, "data-meeting-banner": "" });
    this.element.hidden = true;
    this.unlisten = ctx.live.listen({ meeting: () => void this.refresh(), resynced: () => void this.refresh() });
    void this.refresh();
  }

  destroy(): void {
    this.unlisten();
  }

  private async refresh(): Promise<void> {
    try {
      this.meetings = await api.myMeetings();
    } catch {
      return; // keep what we had; the next notice asks again
    }
    this.render();
  }

  render(): void {
    const list = h("ul", { class: "meeting-banner-list" });
    for (const m of this.meetings) {
      const live = m.status === "live";
      list.append(
        h(
          "li",
          { class: "meeting-banner-item", "data-meeting": m.id },
          h("span", { text: t(live ? "video.announceLive" : "video.announceScheduled", { title: m.title }) }),
          h("button", {
            type: "button",
            class: "button button-primary",
            text: t("video.announceJoin"),
            "aria-label": t("video.announceJoinLabel", { title: m.title }),
            onclick: () => openMeeting(this.ctx, m),
          }),
        ),
      );
    }
    this.element.hidden = this.meetings.length === 0;
    this.element.replaceChildren(h("h2", { id: this.headingId, class: "visually-hidden", text: t("video.announceTitle") }), list);
  }
}
