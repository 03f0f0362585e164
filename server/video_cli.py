"""``nara video probe``: join a meeting as a synthetic participant and report what arrives.

Logs in (or uses a guest link), joins through /video like a browser, sends a synthetic
camera and microphone, waits until a host admits it, receives for ``--seconds`` and prints
one JSON report on stdout. Exit 0 when video and audio arrived from every other admitted
participant, 1 otherwise (including refusals, which are reported with their error code).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import time
import uuid
from typing import Any

import aiohttp
import socketio

from signaling.client import MeetingClient, MeetingError

log = logging.getLogger("nara.video.probe")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nara video", description="video tools")
    sub = parser.add_subparsers(dest="command", required=True)
    probe = sub.add_parser("probe", help="join a meeting with synthetic media and report")
    probe.add_argument("--url", required=True, help="the Nära server, e.g. http://host:8080")
    probe.add_argument("--user", help="log in as this user (else --invite)")
    probe.add_argument("--password", help="the user's password")
    probe.add_argument("--meeting", required=True, type=uuid.UUID, help="meeting id")
    probe.add_argument(
        "--invite",
        help="a guest link's token instead of a login (write --invite=TOKEN: a token may begin"
        " with \"-\")",
    )
    probe.add_argument("--seconds", type=float, default=10.0,
                       help="how long to receive once admitted (default 10)")
    probe.add_argument("--admission-timeout", type=float, default=120.0,
                       help="how long to wait in the waiting room (default 120)")
    probe.add_argument("--relay-only", action="store_true", help="only TURN relay candidates")
    probe.add_argument("--width", type=int, default=320)
    probe.add_argument("--height", type=int, default=240)
    probe.add_argument("--fps", type=int, default=15)
    return parser


def run_video_cli(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command != "probe":  # pragma: no cover - argparse enforces the choice
        return 2
    if not args.invite and not (args.user and args.password):
        print("give --user and --password, or --invite", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    report = asyncio.run(probe(args))
    print(json.dumps(report, indent=2))
    return 0 if report.get("ok") else 1


async def _login(url: str, user: str, password: str) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url.rstrip("/") + "/api/v1/auth/login", json={"username": user, "password": password}
        ) as r:
            body: dict[str, Any] = await r.json(content_type=None)
            if r.status != 200:
                raise MeetingError(body.get("error", {"code": f"http_{r.status}"}))
            return str(body["token"])


def _candidate_types(sdp: str | None) -> set[str]:
    return {
        line.split(" typ ")[1].split()[0]
        for line in (sdp or "").splitlines()
        if line.startswith("a=candidate:") and " typ " in line
    }


async def probe(args: argparse.Namespace) -> dict[str, Any]:
    client = MeetingClient(
        args.user or "guest",
        relay_only=args.relay_only,
        size=(args.width, args.height),
        fps=args.fps,
    )
    report: dict[str, Any] = {"ok": False, "meeting_id": str(args.meeting)}
    started = time.monotonic()
    try:
        token = None if args.invite else await _login(args.url, args.user, args.password)
        await client.connect(args.url, token)
        ack = await client.join(args.meeting, invite=args.invite)
        report["role"] = ack["participant"]["role"]
        report["waited"] = client.state == "waiting"
        if not await client.wait_until(
            lambda: client.state in ("admitted", "removed", "ended"), args.admission_timeout
        ):
            report["error"] = {"code": "not_admitted", "message": "nobody admitted the probe"}
            return report
        if client.state != "admitted":
            report["error"] = {"code": client.state, "message": f"the probe was {client.state}"}
            return report
        report["admitted_after_ms"] = round((time.monotonic() - started) * 1000)
        await asyncio.sleep(args.seconds)
        report.update(_summary(client))
        return report
    except MeetingError as err:
        report["error"] = err.error
        return report
    except (aiohttp.ClientError, OSError, TimeoutError, socketio.exceptions.SocketIOError) as exc:
        # Always a report on stdout: a socket that times out is "unreachable" too.
        report["error"] = {"code": "unreachable", "message": type(exc).__name__}
        return report
    finally:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_leave(client), 15)


async def _leave(client: MeetingClient) -> None:
    if client.state == "admitted" and client.sio.connected:
        with contextlib.suppress(MeetingError, TimeoutError, OSError):
            await client.call("leave")
    await client.close()


def _summary(client: MeetingClient) -> dict[str, Any]:
    received = client.received()
    me = client.me.get("id")
    others = {pid: p for pid, p in client.participants.items() if pid != me}
    rows = {}
    for pid, p in others.items():
        got = received.get(pid, {"video_frames": 0, "audio_frames": 0, "first_video_ms": None})
        rows[pid] = {"name": p.get("name"), "role": p.get("role"), **got}
    peers = [*client.mesh.values(), *(peer for peer, _ in client.subscriptions.values())]
    if client.publisher is not None:
        peers.append(client.publisher)
    local: set[str] = set()
    remote: set[str] = set()
    for peer in peers:
        local |= peer.local_candidate_types()
        desc = peer.pc.remoteDescription
        remote |= _candidate_types(desc.sdp if desc else None)
    everyone = bool(others) and all(
        r["video_frames"] > 0 and r["audio_frames"] > 0 for r in rows.values()
    )
    return {
        "ok": everyone,
        "topology": client.topology,
        "participants": rows,
        "ice": {
            "servers": [s["urls"] for s in client.ice_servers],  # never the credentials
            "local_candidate_types": sorted(local),
            "remote_candidate_types": sorted(remote),
            "relay_only": client.relay_only,
        },
    }
