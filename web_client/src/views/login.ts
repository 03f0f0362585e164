// The login page: two labelled fields and one button.
import { api, ApiError } from "../api";
import { h, uid } from "../dom";
import { errorText } from "../format";
import { t } from "../i18n";

export function renderLogin(opts: { onLoggedIn: () => void; error?: string | undefined }): HTMLElement {
  const userId = uid("username");
  const passId = uid("password");
  const errorBox = h("p", { class: "form-error", role: "alert" });
  if (opts.error) errorBox.textContent = opts.error;
  const username = h("input", {
    id: userId,
    name: "username",
    type: "text",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
  });
  const password = h("input", {
    id: passId,
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit", class: "button button-primary button-wide", text: t("auth.submit") });
  const form = h(
    "form",
    {
      class: "stack",
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        errorBox.textContent = "";
        if (!username.value.trim() || !password.value) {
          errorBox.textContent = t("auth.failed");
          (username.value.trim() ? password : username).focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = t("auth.busy");
        try {
          await api.login(username.value.trim(), password.value);
          opts.onLoggedIn();
        } catch (err) {
          errorBox.textContent =
            err instanceof ApiError && (err.code === "invalid_credentials" || err.code === "validation_failed")
              ? t("auth.failed")
              : errorText(err);
          password.value = "";
          password.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = t("auth.submit");
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: userId, text: t("auth.username") }), username),
    h("div", { class: "field" }, h("label", { for: passId, text: t("auth.password") }), password),
    errorBox,
    submit,
  );
  return h(
    "div",
    { class: "login card" },
    h("h1", { text: t("auth.title") }),
    h("p", { class: "lead", text: t("auth.intro") }),
    form,
  );
}
