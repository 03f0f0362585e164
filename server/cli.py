"""The one command line: ``nara``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from chat.storage import Database
from server.config import Config
from server.logs import setup_logging
from server.loop import EVENT_LOOPS, running_loop_name
from server.loop import run as run_loop

log = logging.getLogger("nara.cli")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["nlp"]:
        return _nlp(args[1:])
    if args[:1] == ["video"]:
        return _video(args[1:])
    if args[:1] == ["oidc"]:
        from server.oidc_login import run_oidc_cli

        return run_oidc_cli(args[1:], Config.from_env())
    parser = _parser()
    ns = parser.parse_args(args)
    overrides = {k: v for k, v in (("host", getattr(ns, "host", None)),
                                   ("port", getattr(ns, "port", None))) if v is not None}
    try:
        config = Config.from_env(**overrides)
    except ValueError as err:  # a setting that is not a number, or out of range
        print(f"nara: bad configuration: {err}", file=sys.stderr)
        return 2
    if ns.command == "serve":
        return serve(config)
    if ns.command == "db":
        return db_upgrade(config)
    if ns.command == "demo":
        return demo(config)
    if ns.command == "audit":
        return audit_verify(config)
    if ns.command == "overdue":
        from server.notify_worker import overdue_command

        return overdue_command(config)
    parser.print_help()
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nara", description="Nära contact server")
    sub = parser.add_subparsers(dest="command")
    serve_p = sub.add_parser("serve", help="run the server (configuration from environment)")
    serve_p.add_argument("--host")
    serve_p.add_argument("--port", type=int)
    db_p = sub.add_parser("db", help="database migrations")
    db_p.add_argument("action", choices=["upgrade"])
    sub.add_parser("demo", help="load the demo organisation (idempotent)")
    audit_p = sub.add_parser("audit", help="the access log: verify its hash chains")
    audit_p.add_argument("action", choices=["verify"])
    sub.add_parser("overdue", help="how many threads are past their due time, and by how much")
    sub.add_parser("nlp", help="routing model: train, eval, route (see `nara nlp --help`)")
    sub.add_parser("video", help="video tools: probe (see `nara video --help`)")
    sub.add_parser("oidc", help="e-legitimation logins: link-staff (see `nara oidc --help`)")
    return parser


def serve(config: Config) -> int:
    setup_logging(config.log_level)
    if config.event_loop not in EVENT_LOOPS:
        print(f"NARA_EVENT_LOOP must be one of {', '.join(EVENT_LOOPS)}", file=sys.stderr)
        return 2
    try:
        run_loop(_serve(config), config.event_loop)
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(config: Config) -> None:
    """Run until SIGINT/SIGTERM; with port 0 the kernel picks a port, logged as "listening"."""
    import signal

    from server.app import create_app

    runner = web.AppRunner(create_app(config), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    port = runner.addresses[0][1]
    loop_name = running_loop_name()
    log.info("listening", extra={"host": config.host, "port": port, "loop": loop_name})
    print(f"Nära listens on http://{config.host}:{port}/ ({loop_name} event loop)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def db_upgrade(config: Config) -> int:
    from server.migrate import upgrade

    config.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(config.effective_database_url)
    print("database is up to date")
    return 0


def demo(config: Config) -> int:
    from server.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo

    async def run() -> bool:
        db = Database(config.effective_database_url)
        try:
            return await load_demo(db) is not None
        finally:
            await db.dispose()

    created = asyncio.run(run())
    print("demo organisation loaded" if created else "demo organisation already present")
    print(f"demo logins (password: {DEMO_PASSWORD}):")
    for username, role in DEMO_LOGINS:
        print(f"  {username:8} {role}")
    return 0


def audit_verify(config: Config) -> int:
    """Check every unit's access-log chain; non-zero and the first bad row of each broken
    unit when a row was changed, removed or reordered."""
    import time

    from chat.audit import Verification, verify

    async def run() -> tuple[Verification, float]:
        db = Database(config.effective_database_url)
        try:
            started = time.perf_counter()
            result = await verify(db)
            return result, time.perf_counter() - started
        finally:
            await db.dispose()

    result, seconds = asyncio.run(run())
    if result.ok:
        print(f"access log intact: {result.rows} rows in {result.units} units ({seconds:.2f} s)")
        return 0
    for problem in result.problems:
        print(f"BAD {problem}")
    print(f"access log NOT intact: {len(result.problems)} broken chain(s), {result.rows} rows")
    return 1


def _nlp(argv: list[str]) -> int:
    from server.nlp_bridge import run_nlp_cli

    return run_nlp_cli(argv, Config.from_env())


def _video(argv: list[str]) -> int:
    from server.video_cli import run_video_cli

    return run_video_cli(argv)


if __name__ == "__main__":
    raise SystemExit(main())
