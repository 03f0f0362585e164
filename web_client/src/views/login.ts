// The login page: "Logga in med e-legitimation" when the server offers it (OpenID Connect),
// then two labelled fields and one button.
import { api, ApiError } from "../api";
import { h, uid } from "../dom";
import { errorText } from "../format";
import { t, type Key } from "../i18n";

// Why the e-legitimation login came back refused (?login_error=…), read once and then taken
// out of the address bar so a reload does not show it again.
const EID_ERRORS: Record<string, Key> = {
  unknown_identity: "auth.eidUnknown",
  provider_error: "auth.eidCancelled",
  rate_limited: "auth.eidLimited",
  provider_unavailable: "auth.eidUnavailable",
};
let eidError: Key | undefined = (() => {
  const reason = new URLSearchParams(location.search).get("login_error");
  if (reason === null) return undefined;
  history.replaceState(null, "", location.pathname + location.hash);
  return EID_ERRORS[reason] ?? "auth.eidFailed";
})();

function eidLogin(errorBox: HTMLElement): HTMLElement {
  const button = h("button", { type: "button", class: "button button-primary button-wide", text: t("auth.eid") });
  button.addEventListener("click", async () => {
    errorBox.textContent = "";
    eidError = undefined;
    button.disabled = true;
    button.textContent = t("auth.eidBusy");
    try {
      const { authorization_url } = await api.oidcStart();
      location.assign(authorization_url);
    } catch (err) {
      errorBox.textContent =
        err instanceof ApiError && err.code === "rate_limited" ? t("auth.eidLimited") : errorText(err);
      button.disabled = false;
      button.textContent = t("auth.eid");
    }
  });
  const box = h("div", { class: "stack login-eid", hidden: true }, button, h("p", { text: t("auth.or") }));
  void api
    .authMethods()
    .then((methods) => {
      box.hidden = !methods.oidc;
    })
    .catch(() => undefined);
  return box;
}

export function renderLogin(opts: { onLoggedIn: () => void; error?: string | undefined }): HTMLElement {
  const userId = uid("username");
  const passId = uid("password");
  const errorBox = h("p", { class: "form-error", role: "alert" });
  if (opts.error) errorBox.textContent = opts.error;
  else if (eidError) errorBox.textContent = t(eidError);
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
        eidError = undefined;
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
    eidLogin(errorBox),
    form,
  );
}
