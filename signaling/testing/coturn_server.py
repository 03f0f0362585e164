"""Run a throwaway coturn with the shared-secret scheme on loopback (tests only:
``allow-loopback-peers`` lets it relay between local peers)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from signaling.testing.netns import HarnessUnavailable

STUN_MAGIC = 0x2112A442


def check_coturn_available() -> None:
    if shutil.which("turnserver") is None:
        raise HarnessUnavailable("turnserver binary not found (apt-get install coturn)")


def free_port(kind: int = socket.SOCK_DGRAM, host: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on ``host`` (TURN listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind((host, 0))
            port = int(s.getsockname()[1])
        other = socket.SOCK_STREAM if kind == socket.SOCK_DGRAM else socket.SOCK_DGRAM
        try:
            with socket.socket(socket.AF_INET, other) as s2:
                s2.bind((host, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port")


def _stun_binding_ok(host: str, port: int) -> bool:
    tid = os.urandom(12)
    request = struct.pack("!HHI", 0x0001, 0, STUN_MAGIC) + tid
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        s.sendto(request, (host, port))
        try:
            data, _ = s.recvfrom(2048)
        except OSError:
            return False
    return len(data) >= 20 and data[8:20] == tid


def _spawn(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@dataclass
class CoturnServer:
    host: str = "127.0.0.1"
    realm: str = "nara.test"
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    port: int = 0
    work_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def turn_urls(self) -> list[str]:
        return [f"turn:{self.host}:{self.port}?transport=udp"]

    @property
    def stun_urls(self) -> list[str]:
        return [f"stun:{self.host}:{self.port}"]

    async def start(self, timeout_s: float = 10.0) -> None:
        check_coturn_available()
        self.port = self.port or free_port()
        self.work_dir = Path(tempfile.mkdtemp(prefix="nara-coturn-"))
        conf = self.work_dir / "turnserver.conf"
        conf.write_text(
            "\n".join(
                [
                    f"listening-ip={self.host}",
                    f"relay-ip={self.host}",
                    f"listening-port={self.port}",
                    "use-auth-secret",
                    f"static-auth-secret={self.secret}",
                    f"realm={self.realm}",
                    "fingerprint",
                    "no-tls",
                    "no-dtls",
                    "no-cli",
                    "no-multicast-peers",
                    "no-software-attribute",
                    # Test-only: peers and relays are all on 127.0.0.1 here.
                    "allow-loopback-peers",
                    f"userdb={self.work_dir / 'turndb'}",
                    f"pidfile={self.work_dir / 'turnserver.pid'}",
                    f"log-file={self.work_dir / 'turn.log'}",
                    "simple-log",
                    "no-stdout-log",
                    "",
                ]
            )
        )
        self.process = _spawn(["turnserver", "-c", str(conf)])
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"turnserver exited early:\n{self.log_tail()}")
            if await asyncio.to_thread(_stun_binding_ok, self.host, self.port):
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"turnserver did not answer within {timeout_s}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self.work_dir is None:
            return "(no coturn log)"
        logs = sorted(self.work_dir.glob("turn*.log"))
        if not logs:
            return "(no coturn log)"
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None
