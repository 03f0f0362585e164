"""Password guessing is cut short: failed logins are counted per account and per client
address in sliding windows (shared by all processes with Redis), answered 429 ``rate_limited``
with Retry-After, without a lock-out an attacker could hold against a patient; and argon2 runs
off the event loop, so logins in flight do not stall other requests."""

from __future__ import annotations

import asyncio
import threading
import time

import aiohttp
import pytest

from server.keys import HASHING
from tests.support.backends import PG_URL, REDIS_URL
from tests.support.process import ServerProcess

from .support import login_from, server_with

pytestmark = pytest.mark.slow

WRONG = "fel-lösenord"


async def test_a_guessing_run_is_stopped_on_the_defaults(server):
    """The probe: 50 wrong passwords in a row, then the right one."""
    answers = [await login_from(server.base_url, "127.0.0.2", "bertil", WRONG) for _ in range(50)]
    statuses = [a.status for a in answers]
    limit = server.config.login_failures_per_account
    assert statuses == [401] * limit + [429] * (50 - limit), statuses
    limited = answers[-1]
    assert limited.code == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= server.config.login_window_s
    # The right password does not get through while the account is limited.
    right = await login_from(server.base_url, "127.0.0.2", "bertil")
    assert right.status == 429 and right.code == "rate_limited"


async def test_an_attacker_cannot_lock_a_patient_out(base_config, db_template):
    window = 6
    async with server_with(
        base_config,
        db_template.demo,
        login_failures_per_account=5,
        login_failures_per_address=100,
        login_window_s=window,
    ) as server:
        url = server.base_url
        # bertil logs in from home now and then.
        assert (await login_from(url, "127.0.0.4", "bertil")).status == 200
        for _ in range(5):
            assert (await login_from(url, "127.0.0.2", "bertil", WRONG)).status == 401
        limited = await login_from(url, "127.0.0.2", "bertil")
        limited_at = time.monotonic()
        assert limited.status == 429 and limited.code == "rate_limited"
        retry_after = int(limited.headers["Retry-After"])
        assert 1 <= retry_after <= window
        assert (await login_from(url, "127.0.0.3", "bertil")).status == 429  # a new place
        # From home bertil still gets in; other accounts are not affected.
        assert (await login_from(url, "127.0.0.4", "bertil")).status == 200
        assert (await login_from(url, "127.0.0.2", "anna")).status == 200
        # The limit ends by itself as the window slides on.
        await asyncio.sleep(max(0.0, retry_after + 0.2 - (time.monotonic() - limited_at)))
        assert (await login_from(url, "127.0.0.3", "bertil")).status == 200


async def test_one_address_guessing_many_accounts_is_stopped(base_config, db_template):
    async with server_with(
        base_config, db_template.demo, login_failures_per_address=4, login_failures_per_account=50
    ) as server:
        url = server.base_url
        for name in ("anna", "bertil", "ingen-alls", "sara"):
            assert (await login_from(url, "127.0.0.5", name, WRONG)).status == 401
        limited = await login_from(url, "127.0.0.5", "lars")  # even with the right password
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
        assert (await login_from(url, "127.0.0.6", "lars")).status == 200


async def test_parallel_guesses_are_held_to_the_limit(base_config, db_template):
    async with server_with(
        base_config, db_template.demo, login_failures_per_account=5, login_failures_per_address=100
    ) as server:
        answers = await asyncio.gather(
            *(login_from(server.base_url, "127.0.0.7", "anna", WRONG) for _ in range(20))
        )
        statuses = sorted(a.status for a in answers)
        assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses


async def test_a_login_waiting_for_its_verification_does_not_hold_other_requests(server):
    """Password verification runs in its own thread pool, never on the event loop: with every
    verification thread held (a fault injected into the pool), a login waits while an
    unrelated request is answered; released, the login succeeds. Ordering, not timing: how
    long requests wait while logins run is printed by bench/login_load.py."""
    pool = server.app[HASHING]._pool
    held = threading.Event()
    blockers = [pool.submit(held.wait) for _ in range(pool._max_workers)]
    try:
        async with aiohttp.ClientSession() as http:
            login = asyncio.create_task(
                http.post(
                    server.base_url + "/api/v1/auth/login",
                    json={"username": "anna", "password": "nara-demo-2026"},
                )
            )
            async with http.get(server.base_url + "/") as resp:
                assert resp.status == 200
            await asyncio.sleep(0)
            assert not login.done()  # still waiting for a verification thread
            held.set()
            async with await login as resp:
                assert resp.status == 200
    finally:
        held.set()
        for b in blockers:
            b.result(timeout=10)


@pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL"
)
async def test_processes_share_the_counts(base_config, db_template):
    env = {"NARA_LOGIN_FAILURES_PER_ACCOUNT": "4"}
    a, b = ServerProcess(base_config, env), ServerProcess(base_config, env)
    url_a, url_b = await a.start(), await b.start()
    try:
        for url in (url_a, url_b, url_a, url_b):
            assert (await login_from(url, "127.0.0.8", "bertil", WRONG)).status == 401
        for url in (url_a, url_b):
            answer = await login_from(url, "127.0.0.8", "bertil", WRONG)
            assert answer.status == 429 and answer.code == "rate_limited"
    finally:
        await a.stop()
        await b.stop()
