"""Configurable attachment limits, in bytes. "MB" in texts means 1 000 000 bytes."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chat.attachments.reasons import Reason, rejection

log = logging.getLogger("nara.attachments")

MB = 1_000_000  # decimal, as people and the web client read "10 MB"
_MIB = 1024 * 1024  # only for the deprecated *_MB variables, which always meant MiB


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    max_file_bytes: int = 10 * MB
    max_message_bytes: int = 25 * MB
    max_files: int = 5
    max_pixels: int = 40_000_000
    # Sum over all GIF frames: each frame is decoded to a full canvas in memory.
    max_animation_pixels: int = 100_000_000
    # Many tiny frames cost time and per-frame memory while decoding and cleaning.
    max_frames: int = 1000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AttachmentLimits:
        """Read NARA_ATTACHMENT_MAX_FILE_BYTES, _MAX_MESSAGE_BYTES and _MAX_PIXELS.

        The deprecated NARA_ATTACHMENT_MAX_FILE_MB / _MAX_MESSAGE_MB (MiB, as they always
        were) are still read when the *_BYTES variable is not set.
        """
        src = os.environ if env is None else env
        base = cls()
        return cls(
            max_file_bytes=_bytes(src, "NARA_ATTACHMENT_MAX_FILE", base.max_file_bytes),
            max_message_bytes=_bytes(src, "NARA_ATTACHMENT_MAX_MESSAGE", base.max_message_bytes),
            max_pixels=_positive(src, "NARA_ATTACHMENT_MAX_PIXELS", base.max_pixels, 1),
        )


def _bytes(env: Mapping[str, str], prefix: str, default: int) -> int:
    if env.get(prefix + "_BYTES", "").strip():
        return _positive(env, prefix + "_BYTES", default, 1)
    if env.get(prefix + "_MB", "").strip():
        log.warning("%s_MB is deprecated (MiB); set %s_BYTES instead", prefix, prefix)
        return _positive(env, prefix + "_MB", default, _MIB)
    return default


def _positive(env: Mapping[str, str], key: str, default: int, unit: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) * unit if raw.isdigit() else int(float(raw) * unit)
    except (ValueError, OverflowError):
        raise ValueError(f"{key} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{key} must be positive")
    return value


def size_text(n: int) -> str:
    """ "10000000 bytes (10 MB)": the exact figure, and the one people read."""
    if n < 10_000:
        return f"{n} bytes"
    mb = f"{n / MB:.2f}".rstrip("0").rstrip(".")
    return f"{n} bytes ({mb} MB)"


def check_message_files(sizes: Sequence[int], limits: AttachmentLimits) -> None:
    """Reject a message with more than ``max_files`` files or too many bytes in total."""
    if len(sizes) > limits.max_files:
        raise rejection(
            Reason.TOO_MANY_FILES, f"A message can have at most {limits.max_files} files."
        )
    if sum(sizes) > limits.max_message_bytes:
        raise rejection(
            Reason.MESSAGE_TOO_LARGE,
            f"The files of a message may be at most {size_text(limits.max_message_bytes)}"
            " together.",
        )
