"""Run a throwaway Janus (VideoRoom + HTTP transport only) inside a network namespace."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from signaling.testing.netns import HarnessUnavailable, NetnsHost

JANUS_LIB = Path("/usr/lib/x86_64-linux-gnu/janus")
HTTP_PORT = 8088  # ports are private to the namespace, so fixed ones cannot clash
ADMIN_PORT = 7088


def janus_lib_dir() -> Path:
    """Where Debian's janus package put plugins and transports (multiarch path)."""
    if (JANUS_LIB / "plugins" / "libjanus_videoroom.so").exists():
        return JANUS_LIB
    for cand in Path("/usr/lib").glob("*/janus"):
        if (cand / "plugins" / "libjanus_videoroom.so").exists():
            return cand
    raise HarnessUnavailable("janus videoroom plugin not found (apt-get install janus)")


def check_janus_available() -> None:
    if shutil.which("janus") is None:
        raise HarnessUnavailable("janus binary not found (apt-get install janus)")
    janus_lib_dir()


def _jcfg_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_janus_config(
    conf_dir: Path,
    *,
    api_secret: str,
    admin_secret: str,
    ice_enforce_list: str,
    nat_1_1_mapping: str | None = None,
    rtp_port_range: str = "20000-40000",
    debug_level: int = 3,
) -> Path:
    """Write janus.jcfg and the two plugin configs; returns the main config path."""
    lib = janus_lib_dir()
    # Only the plugins we use are in the folders Janus scans.
    for sub, name in (("plugins", "libjanus_videoroom.so"), ("transports", "libjanus_http.so")):
        (conf_dir / sub).mkdir(parents=True, exist_ok=True)
        (conf_dir / sub / name).symlink_to(lib / sub / name)
    for sub in ("events", "loggers"):
        (conf_dir / sub).mkdir(exist_ok=True)
    nat = [f"ice_enforce_list = {_jcfg_string(ice_enforce_list)}", "full_trickle = false"]
    if nat_1_1_mapping:
        nat.append(f"nat_1_1_mapping = {_jcfg_string(nat_1_1_mapping)}")
    main = f"""general: {{
	configs_folder = {_jcfg_string(str(conf_dir))}
	plugins_folder = {_jcfg_string(str(conf_dir / "plugins"))}
	transports_folder = {_jcfg_string(str(conf_dir / "transports"))}
	events_folder = {_jcfg_string(str(conf_dir / "events"))}
	loggers_folder = {_jcfg_string(str(conf_dir / "loggers"))}
	debug_level = {debug_level}
	api_secret = {_jcfg_string(api_secret)}
	admin_secret = {_jcfg_string(admin_secret)}
	session_timeout = 60
	server_name = "nara-test"
}}
certificates: {{
}}
media: {{
	rtp_port_range = {_jcfg_string(rtp_port_range)}
}}
nat: {{
	{chr(10).join(nat)}
}}
plugins: {{
}}
transports: {{
}}
events: {{
	broadcast = false
}}
loggers: {{
}}
"""
    http = f"""general: {{
	json = "plain"
	base_path = "/janus"
	http = true
	port = {HTTP_PORT}
	https = false
}}
admin: {{
	admin_base_path = "/admin"
	admin_http = true
	admin_port = {ADMIN_PORT}
	admin_https = false
}}
cors: {{
}}
"""
    videoroom = """general: {
	string_ids = false
}
"""
    (conf_dir / "janus.jcfg").write_text(main)
    (conf_dir / "janus.transport.http.jcfg").write_text(http)
    (conf_dir / "janus.plugin.videoroom.jcfg").write_text(videoroom)
    return conf_dir / "janus.jcfg"


def _spawn(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@dataclass
class JanusServer:
    """A running Janus in ``host``; connect from the root namespace to ``url``."""

    host: NetnsHost
    api_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    admin_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    conf_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host.ns_ip}:{HTTP_PORT}/janus"

    @property
    def admin_url(self) -> str:
        return f"http://{self.host.ns_ip}:{ADMIN_PORT}/admin"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def log_path(self) -> Path:
        assert self.conf_dir is not None
        return self.conf_dir / "janus.log"

    async def start(self, timeout_s: float = 20.0) -> None:
        check_janus_available()
        self.conf_dir = Path(tempfile.mkdtemp(prefix="nara-janus-"))
        config = write_janus_config(
            self.conf_dir,
            api_secret=self.api_secret,
            admin_secret=self.admin_secret,
            ice_enforce_list=self.host.veth_ns,
        )
        argv = ["janus", "-C", str(config), "-F", str(self.conf_dir),
                "-L", str(self.log_path), "-N", "-o", "-i", self.host.ns_ip]
        self.process = _spawn(self.host.command(argv))
        await self._wait_ready(timeout_s)

    async def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"janus exited early:\n{self.log_tail()}")
                try:
                    async with http.get(self.url + "/info",
                                        timeout=aiohttp.ClientTimeout(total=1)) as r:
                        info = await r.json(content_type=None)
                        if "janus.plugin.videoroom" in info.get("plugins", {}):
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"janus did not answer within {timeout_s}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, AssertionError):
            return "(no janus log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.conf_dir is not None:
            shutil.rmtree(self.conf_dir, ignore_errors=True)
            self.conf_dir = None
