"""Attachment uploads: throughput and the server's peak memory for 2 MB and 10 MB files.

The server runs as its own process (`nara serve`, embedded defaults: SQLite and files in a
temporary data folder), so its memory is measured apart from the clients. Each phase sends
``--uploads`` files of one size with ``--concurrency`` uploads in flight and prints MB/s and
the server's peak RSS above its idle RSS. Receiving is streamed to disk; what may grow with
file size is the inspection (a PDF is parsed, an image decoded), which the server runs for at
most two files at a time.

    .venv/bin/python bench/attachments.py
    .venv/bin/python bench/attachments.py --sizes 2 10 --kinds pdf png --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.attachments.corpus import pdf_of_size  # noqa: E402
from tests.support.clients import ApiClient, login  # noqa: E402
from tests.support.flows import start_thread  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

MB = 1024 * 1024


def noise_png(size: int) -> bytes:
    """Random pixels do not compress: a PNG of about ``size`` bytes."""
    side = int((size / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def sample(kind: str, size_mb: float) -> tuple[str, bytes, str]:
    size = int(size_mb * MB)
    if kind == "pdf":
        return "prov.pdf", pdf_of_size(size)[1], "application/pdf"
    if kind == "junk":  # streamed to disk in full, then refused: the receive path alone
        return "data.bin", os.urandom(size), "application/octet-stream"
    return "brus.png", noise_png(size), "image/png"


class Memory:
    """Samples the server's RSS every 10 ms; also resets and reads the kernel's peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._task: asyncio.Task[None] | None = None

    def rss_mb(self) -> float:
        return self._field("VmRSS")

    def _field(self, name: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def start(self) -> None:
        try:  # "5" resets VmHWM (Linux >= 4.0), so each phase has its own peak
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            pass
        self.peak = self.rss_mb()
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.rss_mb())
            await asyncio.sleep(0.01)

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return max(self.peak, self._field("VmHWM"))


async def upload(client: ApiClient, thread_id: str, name: str, data: bytes, mime: str) -> None:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type=mime)
    status, body = await client.post(f"/api/v1/threads/{thread_id}/attachments", data=form)
    expected = 422 if name == "data.bin" else 201
    assert status == expected, (status, body)


async def phase(
    url: str, clients: list[tuple[ApiClient, str]], memory: Memory, kind: str, size_mb: float,
    args: argparse.Namespace,
) -> dict[str, float]:
    name, data, mime = sample(kind, size_mb)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(args.uploads):
        queue.put_nowait(i)

    async def worker(client: ApiClient, thread_id: str) -> None:
        while not queue.empty():
            queue.get_nowait()
            await upload(client, thread_id, name, data, mime)

    idle = memory.rss_mb()
    memory.start()
    started = time.perf_counter()
    await asyncio.gather(*(worker(c, t) for c, t in clients))
    elapsed = time.perf_counter() - started
    peak = await memory.stop()
    total = len(data) * args.uploads / MB
    return {
        "file_mb": len(data) / MB, "mb_s": total / elapsed, "files_s": args.uploads / elapsed,
        "idle_mb": idle, "peak_mb": peak, "growth_mb": peak - idle,
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="nara-bench-att-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite+aiosqlite:///{tmp / 'nara.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        await load_demo(db)
        await db.dispose()
        config = Config(data_dir=tmp, database_url=url, redis_url="", nlp_enabled=False)
        # The purge must not run during the benchmark (nothing here sends a message).
        env = {
            "NARA_UPLOAD_PURGE_SECONDS": "3600",
            "NARA_ATTACHMENT_INSPECTIONS": str(args.inspections),
        }
        server = ServerProcess(config, env)
        base = await server.start()
        assert server.proc is not None
        try:
            clients = []
            for _ in range(args.concurrency):
                anna = await login(base, "anna")
                me = await anna.ok("GET", "/api/v1/care-contacts")
                first = await start_thread(anna, me[0]["patient_id"], me[0]["id"])
                clients.append((anna, first["thread"]["id"]))
            memory = Memory(server.proc.pid)
            await phase(base, clients, memory, "pdf", 0.5, args)  # warm-up
            print(f"server idle RSS {memory.rss_mb():.0f} MB; {args.uploads} uploads a phase, "
                  f"{args.concurrency} in flight, {args.inspections} inspected at a time")
            print(f"{'kind':5} {'file MB':>8} {'MB/s':>8} {'files/s':>8} {'idle MB':>8} "
                  f"{'peak MB':>8} {'growth':>8}")
            for kind in args.kinds:
                for size in args.sizes:
                    r = await phase(base, clients, memory, kind, size, args)
                    print(f"{kind:5} {r['file_mb']:8.1f} {r['mb_s']:8.1f} {r['files_s']:8.1f} "
                          f"{r['idle_mb']:8.0f} {r['peak_mb']:8.0f} {r['growth_mb']:8.0f}")
            for client, _ in clients:
                await client.close()
        finally:
            await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2, 10], help="MB")
    parser.add_argument(
        "--kinds", nargs="+", default=["junk", "pdf", "png"], choices=["junk", "pdf", "png"]
    )
    parser.add_argument("--uploads", type=int, default=32, help="files a phase")
    parser.add_argument("--concurrency", type=int, default=8, help="uploads in flight")
    parser.add_argument("--inspections", type=int, default=2, help="files inspected at once")
    asyncio.run(main(parser.parse_args()))
