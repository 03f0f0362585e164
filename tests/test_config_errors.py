"""A setting out of range stops `nara` with a clear message and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_send_batch_below_one_is_refused_by_name() -> None:
    env = {**os.environ, "NARA_SEND_BATCH": "0"}
    done = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "NARA_SEND_BATCH must be 1 or more" in done.stderr
