"""Configuration from environment variables (12-factor). Every default runs on a bare machine."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from chat.attachments.limits import AttachmentLimits

_N = TypeVar("_N", int, float)


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _number(name: str, default: str, parse: Callable[[str], _N], what: str) -> _N:
    """The setting parsed; one that does not parse is refused by name (`nara` exits 2)."""
    try:
        return parse(_env(name, default))
    except ValueError:
        raise ValueError(f"{name} must be {what}, not {os.environ[name]!r}") from None


def _int(name: str, default: str) -> int:
    return _number(name, default, int, "a whole number")


def _float(name: str, default: str) -> float:
    return _number(name, default, float, "a number")


def _list(name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, "").split(",") if v.strip())


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    public_url: str = ""  # e.g. https://nara.example.se; empty: taken from each request
    port: int = 8080
    data_dir: Path = Path("data")
    database_url: str = ""  # empty: SQLite file in data_dir
    redis_url: str = ""  # empty: in-process bus
    redis_channel: str = "nara"
    session_ttl_hours: int = 12
    session_recheck_s: float = 15.0  # open sockets re-read their session this often
    cookie_secure: bool = False
    hsts: str = "auto"  # "auto": when public_url is https; "1" always; "0" never
    proxy_hops: int = 0  # reverse proxies in front that append to X-Forwarded-For
    password_threads: int = 0  # argon2 threads, off the event loop; 0: half the CPU cores
    # Login limits (server/throttle.py): failed logins within a sliding window of
    # login_window_s, per username and per client address; a limited username still logs in
    # from an address it logged in from within login_known_address_days.
    login_rate_limit: bool = True
    login_window_s: int = 900
    login_failures_per_account: int = 10
    login_failures_per_address: int = 30
    login_known_address_days: int = 30
    allowed_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    event_loop: str = "uvloop"  # or "asyncio" (server/loop.py); uvloop falls back if missing
    nlp_enabled: bool = True
    nlp_model_dir: Path | None = None
    upload_ttl_minutes: int = 60
    upload_purge_s: float = 300.0
    attachment_inspections: int = 2  # files inspected and cleaned at once
    attachment_limits: AttachmentLimits = field(default_factory=AttachmentLimits)
    video_mesh_max: int = 4
    video_max_participants: int = 8
    video_reconnect_grace_s: float = 10.0
    video_lease_s: float = 3.0
    video_bitrate_kbps: int = 512  # each publisher's cap on Janus (per meeting's room)
    janus_sweep_s: float = 60.0
    janus_servers_json: str = ""
    turn_secret: str = ""
    turn_urls: tuple[str, ...] = ()
    stun_urls: tuple[str, ...] = ()
    turn_ttl_s: int = 3600
    # Notifications (chat/notifications): every channel is off unless configured.
    smtp_url: str = ""  # smtp://host:2525, smtps://user:pass@host:465, smtp+starttls://…
    mail_from: str = "Nära <noreply@nara.invalid>"
    sms_url: str = ""  # the 46elks API base, e.g. https://api.46elks.com
    sms_key: str = ""  # API username:password
    sms_from: str = "Nara"
    web_push: bool = True  # VAPID keys from the env, else generated into data_dir
    vapid_private_key: str = ""
    vapid_public_key: str = ""
    vapid_subject: str = ""  # mailto: or https: contact for push services
    notify_window_s: int = 900
    notify_active_s: int = 60
    notify_lease_s: int = 60
    notify_retry_s: float = 30.0
    notify_max_attempts: int = 8
    escalation_check_s: float = 60.0
    # Live events still in the outbox after this are republished by any process (chat/events.py).
    live_outbox_stale_s: float = 3.0
    # Group commit (chat/storage/group_commit.py): at most this many sends that arrive while
    # one is being written share the next transaction; 1: every send in its own.
    send_batch: int = 32
    # Batches in flight at once, each on its own connection (PostgreSQL; SQLite has one writer).
    send_batches_in_flight: int = 1
    # Tests only (fault injection): exit at once after committing a message whose text
    # contains this marker, before its live events are published.
    fault_crash_after_commit: str = ""
    # Invånarärenden (chat/case_types): remind the patient side of an unanswered form.
    case_reminder_hours: int = 72
    case_reminder_check_s: float = 300.0
    # OpenID Connect login (server/oidc.py): off while oidc_issuer is empty.
    oidc_issuer: str = ""  # e.g. https://idp.region.se (its /.well-known/openid-configuration)
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_token_auth: str = "client_secret_basic"  # or client_secret_post
    oidc_scopes: str = "openid profile https://id.oidc.se/scope/naturalPersonNumber"
    oidc_personnummer_claim: str = "https://id.oidc.se/claim/personalIdentityNumber"
    oidc_hsa_id_claim: str = "employeeHsaId"
    oidc_name_claim: str = "name"
    oidc_redirect_url: str = ""  # empty: NARA_PUBLIC_URL (else the request) + the callback
    oidc_create_patients: bool = False  # create a login for an unknown, valid personnummer
    oidc_leeway_s: int = 30  # clock skew allowed on exp/iat
    oidc_login_ttl_s: int = 600  # how long a started login may take

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return _async_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'nara.sqlite3').resolve()}"

    @property
    def hsts_enabled(self) -> bool:
        """Send Strict-Transport-Security: NARA_HSTS=1, or by default when the public URL is
        https (browsers ignore the header on plain http anyway)."""
        if self.hsts in ("0", "1"):
            return self.hsts == "1"
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        data_dir = Path(_env("NARA_DATA_DIR", "data"))
        model = os.environ.get("NARA_NLP_MODEL_DIR")
        values: dict[str, object] = {
            "host": _env("NARA_HOST", "127.0.0.1"),
            "public_url": _env("NARA_PUBLIC_URL", "").rstrip("/"),
            "port": _int("NARA_PORT", "8080"),
            "data_dir": data_dir,
            "database_url": _env("DATABASE_URL", ""),
            "redis_url": _env("REDIS_URL", ""),
            "redis_channel": _env("NARA_REDIS_CHANNEL", "nara"),
            "session_ttl_hours": _int("NARA_SESSION_TTL_HOURS", "12"),
            "session_recheck_s": _float("NARA_SESSION_RECHECK_SECONDS", "15"),
            "cookie_secure": _env("NARA_COOKIE_SECURE", "0") == "1",
            "hsts": _env("NARA_HSTS", "auto"),
            "proxy_hops": _int("NARA_PROXY_HOPS", "0"),
            "password_threads": _int("NARA_PASSWORD_THREADS", "0"),
            "login_rate_limit": _env("NARA_LOGIN_RATE_LIMIT", "1") != "0",
            "login_window_s": _int("NARA_LOGIN_WINDOW_SECONDS", "900"),
            "login_failures_per_account": _int("NARA_LOGIN_FAILURES_PER_ACCOUNT", "10"),
            "login_failures_per_address": _int("NARA_LOGIN_FAILURES_PER_ADDRESS", "30"),
            "login_known_address_days": _int("NARA_LOGIN_KNOWN_ADDRESS_DAYS", "30"),
            "allowed_origins": _list("NARA_ALLOWED_ORIGINS"),
            "log_level": _env("NARA_LOG_LEVEL", "INFO"),
            "event_loop": _env("NARA_EVENT_LOOP", "uvloop"),
            "nlp_enabled": _env("NARA_NLP", "1") != "0",
            "nlp_model_dir": Path(model) if model else None,
            "upload_ttl_minutes": _int("NARA_UPLOAD_TTL_MINUTES", "60"),
            "upload_purge_s": _float("NARA_UPLOAD_PURGE_SECONDS", "300"),
            "attachment_inspections": _int("NARA_ATTACHMENT_INSPECTIONS", "2"),
            "attachment_limits": AttachmentLimits.from_env(),
            "video_mesh_max": _int("NARA_VIDEO_MESH_MAX", "4"),
            "video_max_participants": _int("NARA_VIDEO_MAX_PARTICIPANTS", "8"),
            "video_reconnect_grace_s": _float("NARA_VIDEO_RECONNECT_GRACE_SECONDS", "10"),
            "video_lease_s": _float("NARA_VIDEO_LEASE_SECONDS", "3"),
            "video_bitrate_kbps": _int("NARA_VIDEO_BITRATE_KBPS", "512"),
            "janus_sweep_s": _float("NARA_JANUS_SWEEP_SECONDS", "60"),
            "janus_servers_json": _env("NARA_JANUS_SERVERS", ""),
            "turn_secret": _env("NARA_TURN_SECRET", ""),
            "turn_urls": _list("NARA_TURN_URLS"),
            "stun_urls": _list("NARA_STUN_URLS"),
            "turn_ttl_s": _int("NARA_TURN_TTL_SECONDS", "3600"),
            "smtp_url": _env("NARA_SMTP_URL", ""),
            "mail_from": _env("NARA_MAIL_FROM", "Nära <noreply@nara.invalid>"),
            "sms_url": _env("NARA_SMS_URL", ""),
            "sms_key": _env("NARA_SMS_KEY", ""),
            "sms_from": _env("NARA_SMS_FROM", "Nara"),
            "web_push": _env("NARA_WEB_PUSH", "1") != "0",
            "vapid_private_key": _env("NARA_VAPID_PRIVATE_KEY", ""),
            "vapid_public_key": _env("NARA_VAPID_PUBLIC_KEY", ""),
            "vapid_subject": _env("NARA_VAPID_SUBJECT", ""),
            "notify_window_s": _int("NARA_NOTIFY_WINDOW_SECONDS", "900"),
            "notify_active_s": _int("NARA_NOTIFY_ACTIVE_SECONDS", "60"),
            "notify_lease_s": _int("NARA_NOTIFY_LEASE_SECONDS", "60"),
            "notify_retry_s": _float("NARA_NOTIFY_RETRY_SECONDS", "30"),
            "notify_max_attempts": _int("NARA_NOTIFY_MAX_ATTEMPTS", "8"),
            "escalation_check_s": _float("NARA_ESCALATION_CHECK_SECONDS", "60"),
            "live_outbox_stale_s": _float("NARA_LIVE_OUTBOX_STALE_SECONDS", "3"),
            "send_batch": _at_least_one("NARA_SEND_BATCH", _int("NARA_SEND_BATCH", "32")),
            "send_batches_in_flight": _at_least_one(
                "NARA_SEND_BATCHES_IN_FLIGHT", _int("NARA_SEND_BATCHES_IN_FLIGHT", "1")
            ),
            "fault_crash_after_commit": _env("NARA_FAULT_CRASH_AFTER_COMMIT", ""),
            "case_reminder_hours": _int("NARA_CASE_REMINDER_HOURS", "72"),
            "case_reminder_check_s": _float("NARA_CASE_REMINDER_CHECK_SECONDS", "300"),
            "oidc_issuer": _env("NARA_OIDC_ISSUER", "").rstrip("/"),
            "oidc_client_id": _env("NARA_OIDC_CLIENT_ID", ""),
            "oidc_client_secret": _env("NARA_OIDC_CLIENT_SECRET", ""),
            "oidc_token_auth": _env("NARA_OIDC_TOKEN_AUTH", "client_secret_basic"),
            "oidc_scopes": _env(
                "NARA_OIDC_SCOPES", "openid profile https://id.oidc.se/scope/naturalPersonNumber"
            ),
            "oidc_personnummer_claim": _env(
                "NARA_OIDC_PERSONNUMMER_CLAIM", "https://id.oidc.se/claim/personalIdentityNumber"
            ),
            "oidc_hsa_id_claim": _env("NARA_OIDC_HSA_ID_CLAIM", "employeeHsaId"),
            "oidc_name_claim": _env("NARA_OIDC_NAME_CLAIM", "name"),
            "oidc_redirect_url": _env("NARA_OIDC_REDIRECT_URL", ""),
            "oidc_create_patients": _env("NARA_OIDC_CREATE_PATIENTS", "0") == "1",
            "oidc_leeway_s": _int("NARA_OIDC_LEEWAY_SECONDS", "30"),
            "oidc_login_ttl_s": _int("NARA_OIDC_LOGIN_TTL_SECONDS", "600"),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _async_url(url: str) -> str:
    """Accept plain postgres:// URLs and pick the async driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _at_least_one(name: str, value: int) -> int:
    if value < 1:
        raise ValueError(f"{name} must be 1 or more")
    return value
