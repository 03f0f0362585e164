"""Attachment uploads: throughput, and the server's peak memory per kind of file.

The server runs as its own process (`nara serve`, embedded defaults: SQLite and files in a
temporary data folder), so its memory is measured apart from the clients.

Throughput: each phase sends ``--uploads`` files of one size with ``--concurrency`` uploads in
flight and prints MB/s and the server's peak RSS above its idle RSS.

Memory per kind: a fresh server for each kind (a 6 MP photo, upright or to be rotated, a 10 MB
PDF, a 6 MP PNG), warmed up with a small file of that kind, then ``--memory-uploads`` uploads
one after another; it prints the peak RSS above the idle RSS. That is what checking and
cleaning one such file costs (receiving is streamed to disk and costs about 1 MB).

    .venv/bin/python bench/attachments.py
    .venv/bin/python bench/attachments.py --mode memory
    .venv/bin/python bench/attachments.py --mode throughput --sizes 2 10 --kinds pdf png
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageCms  # noqa: E402

from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from tests.attachments.corpus import pdf_of_size  # noqa: E402
from tests.support.clients import ApiClient, login  # noqa: E402
from tests.support.flows import start_thread  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

MB = 1_000_000  # decimal, as the limits are


def noise_png(size: int) -> bytes:
    """Random pixels do not compress: a PNG of about ``size`` bytes."""
    side = int((size / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def photo_jpeg(width: int, height: int, orientation: int) -> bytes:
    """A camera-like JPEG: smooth gradients with sensor noise, EXIF with GPS, quality 90.

    Orientation 6 (held upright) means it has to be rotated and so re-encoded; it then also
    carries an sRGB ICC profile, as phones write one.
    """
    noise = Image.effect_noise((width, height), 24)
    x = Image.linear_gradient("L").resize((width, height))
    y = x.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    im = Image.merge("RGB", (Image.blend(x, noise, 0.3), Image.blend(y, noise, 0.3), noise))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "NaraCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (56.0, 52.0, 42.0), 3: "E", 4: (14.0, 48.0, 32.0)})
    extra: dict[str, object] = {}
    if orientation != 1:
        extra["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif, **extra)
    return out.getvalue()


def noise_png_pixels(width: int, height: int) -> bytes:
    """A PNG of width x height pixels that compresses like a photo (noise over gradients)."""
    noise = Image.effect_noise((width, height), 24)
    x = Image.linear_gradient("L").resize((width, height))
    im = Image.merge("RGB", (Image.blend(x, noise, 0.3), x, noise))
    out = io.BytesIO()
    im.save(out, "PNG", compress_level=1)
    return out.getvalue()


# What --mode memory measures: (name, mime, big file, small warm-up file of the same kind).
MEMORY_KINDS = {
    "jpeg": ("6 MP JPEG, upright", "image/jpeg", lambda: photo_jpeg(3000, 2000, 1),
             lambda: photo_jpeg(64, 48, 1)),
    "jpeg-rot": ("6 MP JPEG, rotate", "image/jpeg", lambda: photo_jpeg(3000, 2000, 6),
                 lambda: photo_jpeg(64, 48, 6)),
    "pdf": ("10 MB PDF", "application/pdf", lambda: pdf_of_size(10_000_000)[1],
            lambda: pdf_of_size(100_000)[1]),
    "png": ("6 MP PNG", "image/png", lambda: noise_png_pixels(3000, 2000),
            lambda: noise_png_pixels(64, 48)),
}
EXT = {"image/jpeg": ".jpg", "application/pdf": ".pdf", "image/png": ".png"}


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


async def memory_of(kind: str, args: argparse.Namespace) -> dict[str, float]:
    """Peak RSS growth of a fresh server while it takes files of one kind, one at a time."""
    _, mime, big, small = MEMORY_KINDS[kind]
    data, warm = big(), small()
    name = "fil" + EXT[mime]
    async with running_server(args) as (base, pid):
        anna = await login(base, "anna")
        me = await anna.ok("GET", "/api/v1/care-contacts")
        thread_id = (await start_thread(anna, me[0]["patient_id"], me[0]["id"]))["thread"]["id"]
        for _ in range(3):  # load the plugins and libraries this kind needs
            await upload(anna, thread_id, name, warm, mime)
        memory = Memory(pid)
        await asyncio.sleep(0.5)
        idle = memory.rss_mb()
        memory.start()
        for _ in range(args.memory_uploads):
            await upload(anna, thread_id, name, data, mime)
        peak = await memory.stop()
        await anna.close()
    return {"file_mb": len(data) / 1e6, "idle_mb": idle, "peak_mb": peak, "growth_mb": peak - idle}


@asynccontextmanager
async def running_server(args: argparse.Namespace) -> AsyncIterator[tuple[str, int]]:
    """A migrated SQLite database with the demo loaded, and ``nara serve`` on it."""
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
            yield base, server.proc.pid
        finally:
            await server.stop()


async def memory_table(args: argparse.Namespace) -> None:
    print(f"peak RSS growth per file kind ({args.memory_uploads} uploads one after another, "
          f"fresh server each)")
    print(f"{'kind':22} {'file MB':>8} {'idle MB':>8} {'peak MB':>8} {'growth':>8}")
    for kind in args.memory_kinds:
        r = await memory_of(kind, args)
        print(f"{MEMORY_KINDS[kind][0]:22} {r['file_mb']:8.1f} {r['idle_mb']:8.0f} "
              f"{r['peak_mb']:8.0f} {r['growth_mb']:8.0f}")


async def main(args: argparse.Namespace) -> None:
    if args.mode in ("all", "throughput"):
        await throughput(args)
    if args.mode in ("all", "memory"):
        await memory_table(args)


async def throughput(args: argparse.Namespace) -> None:
    async with running_server(args) as (base, pid):
        clients = []
        for _ in range(args.concurrency):
            anna = await login(base, "anna")
            me = await anna.ok("GET", "/api/v1/care-contacts")
            first = await start_thread(anna, me[0]["patient_id"], me[0]["id"])
            clients.append((anna, first["thread"]["id"]))
        memory = Memory(pid)
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2, 10], help="MB")
    parser.add_argument(
        "--kinds", nargs="+", default=["junk", "pdf", "png"], choices=["junk", "pdf", "png"]
    )
    parser.add_argument("--uploads", type=int, default=32, help="files a phase")
    parser.add_argument("--concurrency", type=int, default=8, help="uploads in flight")
    parser.add_argument("--inspections", type=int, default=2, help="files inspected at once")
    parser.add_argument("--mode", choices=["all", "throughput", "memory"], default="all")
    parser.add_argument(
        "--memory-kinds", nargs="+", default=list(MEMORY_KINDS), choices=list(MEMORY_KINDS)
    )
    parser.add_argument("--memory-uploads", type=int, default=3, help="files per kind")
    asyncio.run(main(parser.parse_args()))
