// Choosing up to 5 files, with previews and clear errors before anything is sent.
// The server checks every file again (chat/attachments); its refusals come back as
// error codes and reasons that format.errorText() turns into plain Swedish.
import { h, uid } from "../dom";
import { locale, t } from "../i18n";
import type { Attachment } from "../types";

export const MAX_FILES = 5;
// The server's default limit, in bytes: "10 MB" means 10 000 000 bytes everywhere.
export const MAX_FILE_BYTES = 10_000_000;

/** A size in the units the limits are stated in (1 MB = 1 000 000 bytes), so that a file
 * shown as "10 MB" is one the server takes. */
export function fileSize(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} kB`;
  return `${(n / 1_000_000).toLocaleString(locale(), { maximumFractionDigits: 1 })} MB`;
}
const ACCEPT = ["image/jpeg", "image/png", "image/gif", "application/pdf"];
const EXTENSIONS = /\.(jpe?g|png|gif|pdf)$/i;

export class FilePicker {
  readonly element: HTMLElement;
  private files: File[] = [];
  private readonly urls = new Map<File, string>();
  private readonly list = h("ul", { class: "file-list" });
  private readonly errors = h("div", { class: "form-error", role: "alert" });
  private readonly input: HTMLInputElement;

  constructor() {
    const id = uid("files");
    const hintId = uid("files-hint");
    this.input = h("input", {
      id,
      type: "file",
      class: "visually-hidden-input",
      multiple: true,
      accept: ".jpg,.jpeg,.png,.gif,.pdf," + ACCEPT.join(","),
      "aria-describedby": hintId,
      onchange: () => {
        this.add([...(this.input.files ?? [])]);
        this.input.value = "";
      },
    });
    this.element = h(
      "div",
      { class: "file-picker" },
      this.input,
      h("label", { for: id, class: "button button-secondary file-button", text: t("files.add") }),
      h("p", { id: hintId, class: "hint", text: t("files.hint") }),
      this.errors,
      this.list,
    );
  }

  get chosen(): File[] {
    return [...this.files];
  }

  add(incoming: File[]): void {
    const problems: string[] = [];
    for (const file of incoming) {
      if (!ACCEPT.includes(file.type) && !EXTENSIONS.test(file.name)) {
        problems.push(t("files.wrongType", { name: file.name }));
      } else if (file.size > MAX_FILE_BYTES) {
        problems.push(t("files.tooLarge", { name: file.name }));
      } else if (this.files.length >= MAX_FILES) {
        problems.push(t("files.tooMany"));
        break;
      } else {
        this.files.push(file);
      }
    }
    this.showErrors(problems);
    this.draw();
  }

  showErrors(problems: string[]): void {
    this.errors.replaceChildren(...problems.map((p) => h("p", { text: p })));
  }

  clear(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
    this.files = [];
    this.showErrors([]);
    this.draw();
  }

  private draw(): void {
    this.list.replaceChildren(
      ...this.files.map((file) => {
        let preview: HTMLElement;
        if (file.type.startsWith("image/")) {
          let url = this.urls.get(file);
          if (!url) {
            url = URL.createObjectURL(file);
            this.urls.set(file, url);
          }
          preview = h("img", { class: "file-thumb", src: url, alt: "" });
        } else {
          preview = h("span", { class: "file-thumb file-thumb-doc", "aria-hidden": "true", text: "PDF" });
        }
        return h(
          "li",
          { class: "file-item" },
          preview,
          h("span", { class: "file-name", text: file.name }),
          h("span", { class: "file-size", text: fileSize(file.size) }),
          h("button", {
            type: "button",
            class: "button button-quiet",
            "aria-label": t("files.remove", { name: file.name }),
            text: "✕",
            onclick: () => {
              const url = this.urls.get(file);
              if (url) URL.revokeObjectURL(url);
              this.urls.delete(file);
              this.files = this.files.filter((f) => f !== file);
              this.draw();
              this.input.focus();
            },
          }),
        );
      }),
    );
    this.list.hidden = this.files.length === 0;
  }
}

/** Attachments shown under a message: thumbnails for images, a named link for PDFs. */
export function attachmentList(items: Attachment[]): HTMLElement {
  return h(
    "ul",
    { class: "attachment-list", "aria-label": t("thread.attachments") },
    items.map((a) =>
      h(
        "li",
        { class: "attachment" },
        h(
          "a",
          { href: a.url, target: "_blank", rel: "noopener", "aria-label": t("files.open", { name: a.name }) },
          a.thumbnail_url
            ? h("img", { class: "attachment-thumb", src: a.thumbnail_url, alt: "" })
            : h("span", { class: "file-thumb file-thumb-doc", "aria-hidden": "true", text: "PDF" }),
          h("span", { class: "attachment-name", text: a.name }),
          h("span", { class: "file-size", text: fileSize(a.size) }),
        ),
      ),
    ),
  );
}
