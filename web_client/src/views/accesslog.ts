// The patient's own log extract (patientdatalagen 8 kap. 5 §): which care units and which staff
// have read my information, and when. Paged ("show more"), downloadable as a PDF.
import { api } from "../api";
import { focusHeading, h } from "../dom";
import { errorText, formatTime } from "../format";
import { hasKey, t } from "../i18n";
import type { PatientLogEntry } from "../types";

function actionText(action: string): string {
  const key = `log.action.${action}`;
  return hasKey(key) ? t(key) : t("log.action.other");
}

function row(e: PatientLogEntry): HTMLElement {
  const staff = e.profession ? `${e.staff_name}, ${e.profession}` : e.staff_name;
  return h(
    "tr",
    {},
    h("td", {}, h("time", { datetime: e.at, text: formatTime(e.at) })),
    h("td", { text: e.unit_name }),
    h("td", { text: staff }),
    h(
      "td",
      {},
      actionText(e.action),
      e.emergency ? h("span", { class: "badge", text: t("log.emergency") }) : null,
    ),
  );
}

/** The page for one patient (myself, or a child under 13 I act for). */
export function accessLogPage(patientId: string, title: string): HTMLElement {
  const body = h("tbody");
  const status = h("p", { role: "status", class: "loading", text: t("app.loading") });
  const more = h("button", { type: "button", class: "button button-secondary", text: t("log.more") });
  more.hidden = true;
  const table = h(
    "table",
    { class: "log-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        (["log.when", "log.unit", "log.staff", "log.what"] as const).map((k) =>
          h("th", { scope: "col", text: t(k) }),
        ),
      ),
    ),
    body,
  );
  table.hidden = true;
  let cursor: number | null = null;
  const load = async (): Promise<void> => {
    more.disabled = true;
    try {
      const page = await api.patientLog(patientId, cursor ?? undefined);
      body.append(...page.entries.map(row));
      cursor = page.next_before_id;
      table.hidden = body.children.length === 0;
      status.textContent = body.children.length === 0 ? t("log.empty") : "";
      status.classList.remove("loading");
      more.hidden = cursor === null;
    } catch (err) {
      status.textContent = errorText(err);
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", () => void load());
  const heading = h("h1", { id: "log-h", tabindex: "-1", text: title });
  const page = h(
    "section",
    { class: "page stack-lg access-log", "aria-labelledby": "log-h" },
    h("a", { href: "#/", text: t("log.back") }),
    heading,
    h("p", { text: t("log.intro") }),
    h("a", {
      class: "button button-secondary",
      href: api.patientLogPdfUrl(patientId),
      download: "loggutdrag.pdf",
      text: t("log.pdf"),
    }),
    status,
    h("div", { class: "table-scroll" }, table),
    more,
  );
  void load().then(() => focusHeading(heading));
  return page;
}
