"""Run ``nara serve`` as a real separate process (restarts, several processes)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from server.config import Config

ROOT = str(Path(__file__).resolve().parents[2])
_LISTEN = re.compile(rb"listens on (http://[\d.]+:\d+)/")


class ServerProcess:
    def __init__(self, config: Config, extra_env: dict[str, str] | None = None) -> None:
        self.config = config
        self.extra_env = extra_env or {}
        self.proc: asyncio.subprocess.Process | None = None
        self.base_url = ""
        self.banner = ""  # the line the server printed when it listened

    async def start(self) -> str:
        env = dict(os.environ)
        env.update(
            NARA_HOST="127.0.0.1",
            NARA_PORT="0",
            NARA_DATA_DIR=str(self.config.data_dir),
            DATABASE_URL=self.config.database_url,
            REDIS_URL=self.config.redis_url,
            NARA_REDIS_CHANNEL=self.config.redis_channel,
            NARA_NLP="1" if self.config.nlp_enabled else "0",
            **self.extra_env,
        )
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        match = _LISTEN.search(line)
        assert match, line
        self.banner = line.decode(errors="replace")
        self.base_url = match.group(1).decode()
        return self.base_url

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
