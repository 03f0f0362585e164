"""Configuration from environment variables (12-factor). Every default runs on a bare machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


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
    cookie_secure: bool = False
    allowed_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    nlp_enabled: bool = True
    nlp_model_dir: Path | None = None
    upload_ttl_minutes: int = 60
    video_mesh_max: int = 4
    video_max_participants: int = 8
    video_reconnect_grace_s: float = 10.0
    janus_servers_json: str = ""
    turn_secret: str = ""
    turn_urls: tuple[str, ...] = ()
    stun_urls: tuple[str, ...] = ()
    turn_ttl_s: int = 3600
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return _async_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'nara.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        data_dir = Path(_env("NARA_DATA_DIR", "data"))
        model = os.environ.get("NARA_NLP_MODEL_DIR")
        values: dict[str, object] = {
            "host": _env("NARA_HOST", "127.0.0.1"),
            "public_url": _env("NARA_PUBLIC_URL", "").rstrip("/"),
            "port": int(_env("NARA_PORT", "8080")),
            "data_dir": data_dir,
            "database_url": _env("DATABASE_URL", ""),
            "redis_url": _env("REDIS_URL", ""),
            "redis_channel": _env("NARA_REDIS_CHANNEL", "nara"),
            "session_ttl_hours": int(_env("NARA_SESSION_TTL_HOURS", "12")),
            "cookie_secure": _env("NARA_COOKIE_SECURE", "0") == "1",
            "allowed_origins": _list("NARA_ALLOWED_ORIGINS"),
            "log_level": _env("NARA_LOG_LEVEL", "INFO"),
            "nlp_enabled": _env("NARA_NLP", "1") != "0",
            "nlp_model_dir": Path(model) if model else None,
            "upload_ttl_minutes": int(_env("NARA_UPLOAD_TTL_MINUTES", "60")),
            "video_mesh_max": int(_env("NARA_VIDEO_MESH_MAX", "4")),
            "video_max_participants": int(_env("NARA_VIDEO_MAX_PARTICIPANTS", "8")),
            "video_reconnect_grace_s": float(_env("NARA_VIDEO_RECONNECT_GRACE_SECONDS", "10")),
            "janus_servers_json": _env("NARA_JANUS_SERVERS", ""),
            "turn_secret": _env("NARA_TURN_SECRET", ""),
            "turn_urls": _list("NARA_TURN_URLS"),
            "stun_urls": _list("NARA_STUN_URLS"),
            "turn_ttl_s": int(_env("NARA_TURN_TTL_SECONDS", "3600")),
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
