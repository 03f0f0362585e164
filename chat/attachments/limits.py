"""Configurable attachment limits."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chat.attachments.reasons import Reason, rejection

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    max_file_bytes: int = 10 * _MB
    max_message_bytes: int = 25 * _MB
    max_files: int = 5
    max_pixels: int = 40_000_000
    # Sum over all GIF frames: each frame is decoded to a full canvas in memory.
    max_animation_pixels: int = 100_000_000
    # Many tiny frames cost time and per-frame memory while decoding and cleaning.
    max_frames: int = 1000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AttachmentLimits:
        """Read NARA_ATTACHMENT_MAX_FILE_MB, _MAX_MESSAGE_MB (MiB) and _MAX_PIXELS."""
        src = os.environ if env is None else env
        base = cls()
        return cls(
            max_file_bytes=_positive(src, "NARA_ATTACHMENT_MAX_FILE_MB", base.max_file_bytes, _MB),
            max_message_bytes=_positive(
                src, "NARA_ATTACHMENT_MAX_MESSAGE_MB", base.max_message_bytes, _MB
            ),
            max_pixels=_positive(src, "NARA_ATTACHMENT_MAX_PIXELS", base.max_pixels, 1),
        )


def _positive(env: Mapping[str, str], key: str, default: int, unit: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    value = int(float(raw) * unit)
    if value <= 0:
        raise ValueError(f"{key} must be positive")
    return value


def check_message_files(sizes: Sequence[int], limits: AttachmentLimits) -> None:
    """Reject a message with more than ``max_files`` files or too many bytes in total."""
    if len(sizes) > limits.max_files:
        raise rejection(
            Reason.TOO_MANY_FILES, f"A message can have at most {limits.max_files} files."
        )
    if sum(sizes) > limits.max_message_bytes:
        raise rejection(
            Reason.MESSAGE_TOO_LARGE,
            f"The files of a message may be at most {limits.max_message_bytes // _MB} MB together.",
        )
