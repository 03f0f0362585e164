"""A setting out of range stops `nara` with a clear message and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_send_batch_below_one_is_refused_by_name() -> None:
    done = _serve(NARA_SEND_BATCH="0")
    assert done.returncode == 2
    assert "NARA_SEND_BATCH must be 1 or more" in done.stderr


def test_send_batches_in_flight_below_one_is_refused_by_name() -> None:
    done = _serve(NARA_SEND_BATCHES_IN_FLIGHT="0")
    assert done.returncode == 2
    assert "NARA_SEND_BATCHES_IN_FLIGHT must be 1 or more" in done.stderr


def _serve(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "0"],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def test_a_whole_number_setting_that_is_not_one_is_named() -> None:
    done = _serve(NARA_SESSION_TTL_HOURS="twelve")
    assert done.returncode == 2
    assert "NARA_SESSION_TTL_HOURS must be a whole number, not 'twelve'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_number_setting_that_is_not_one_is_named() -> None:
    done = _serve(NARA_UPLOAD_PURGE_SECONDS="5 min")
    assert done.returncode == 2
    assert "NARA_UPLOAD_PURGE_SECONDS must be a number, not '5 min'" in done.stderr


def test_an_attachment_limit_that_is_not_a_number_is_named() -> None:
    done = _serve(NARA_ATTACHMENT_MAX_FILE_BYTES="10MB")
    assert done.returncode == 2
    assert "NARA_ATTACHMENT_MAX_FILE_BYTES must be a number, not '10MB'" in done.stderr
