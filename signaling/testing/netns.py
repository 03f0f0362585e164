"""Network namespaces joined to the root namespace by a veth pair.

Janus does not gather ICE candidates on loopback, so test and bench hosts for Janus live
in their own namespace. Only private addresses, only on interfaces created here.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import random
import secrets
import shutil
import subprocess
from dataclasses import dataclass

log = logging.getLogger("nara.signaling.testing")


class HarnessUnavailable(RuntimeError):
    """The machine cannot run the harness (not root, no netns, missing binaries)."""


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def check_netns_available() -> None:
    if os.geteuid() != 0:
        raise HarnessUnavailable("network namespaces need root")
    if shutil.which("ip") is None:
        raise HarnessUnavailable("iproute2 'ip' is not installed")
    probe = f"nara-probe-{secrets.token_hex(3)}"
    res = _ip("netns", "add", probe, check=False)
    if res.returncode != 0:
        raise HarnessUnavailable(f"'ip netns add' is not permitted: {res.stderr.strip()}")
    _ip("netns", "del", probe, check=False)


def _used_networks() -> list[ipaddress.IPv4Network]:
    out = _ip("-4", "-o", "addr", "show", check=False).stdout
    nets: list[ipaddress.IPv4Network] = []
    for line in out.splitlines():
        parts = line.split()
        if "inet" in parts:
            nets.append(ipaddress.IPv4Interface(parts[parts.index("inet") + 1]).network)
    return nets


def _pick_subnet() -> ipaddress.IPv4Network:
    used = _used_networks()
    rng = random.SystemRandom()
    for _ in range(100):
        net = ipaddress.IPv4Network(f"10.{rng.randrange(64, 250)}.{rng.randrange(256)}."
                                    f"{rng.randrange(0, 256, 4)}/30")
        if not any(net.overlaps(u) for u in used):
            return net
    raise RuntimeError("no free private /30 found")


@dataclass
class NetnsHost:
    """A namespace with one veth; ``host_ip`` is the root side, ``ns_ip`` the inside."""

    name: str
    veth_host: str
    veth_ns: str
    host_ip: str
    ns_ip: str
    created: bool = False

    @classmethod
    def create(cls, prefix: str = "nara") -> NetnsHost:
        tag = secrets.token_hex(3)
        net = _pick_subnet()
        hosts = list(net.hosts())
        host = cls(
            name=f"{prefix}-{tag}",
            veth_host=f"nvh{tag}",  # interface names: at most 15 chars
            veth_ns=f"nvn{tag}",
            host_ip=str(hosts[0]),
            ns_ip=str(hosts[1]),
        )
        try:
            host._setup(net.prefixlen)
        except BaseException:
            host.remove()
            raise
        return host

    def _setup(self, prefixlen: int) -> None:
        _ip("netns", "add", self.name)
        self.created = True
        _ip("link", "add", self.veth_host, "type", "veth", "peer", "name", self.veth_ns)
        _ip("link", "set", self.veth_ns, "netns", self.name)
        _ip("addr", "add", f"{self.host_ip}/{prefixlen}", "dev", self.veth_host)
        _ip("link", "set", self.veth_host, "up")
        self.exec_ip("addr", "add", f"{self.ns_ip}/{prefixlen}", "dev", self.veth_ns)
        self.exec_ip("link", "set", self.veth_ns, "up")
        self.exec_ip("link", "set", "lo", "up")
        log.info("netns created", extra={"netns": self.name})

    def exec_ip(self, *args: str) -> None:
        _ip("-n", self.name, *args)

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the namespace (``ip netns exec`` execs, so the pid is the
        program's own)."""
        return ["ip", "netns", "exec", self.name, *argv]

    def remove(self) -> None:
        # Deleting the root-side veth deletes its peer too; the namespace goes last.
        _ip("link", "del", self.veth_host, check=False)
        if self.created:
            _ip("netns", "del", self.name, check=False)
            self.created = False
            log.info("netns removed", extra={"netns": self.name})
