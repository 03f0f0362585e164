"""Relay-only connections through a real coturn with shared-secret credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from signaling.media import MediaPeer, MediaPeerOptions
from signaling.turn import IceServerConfig, TurnSettings, issue_turn_credentials
from tests.video.harness import CoturnServer

pytestmark = pytest.mark.slow


def test_credentials_follow_the_coturn_rest_scheme() -> None:
    creds = issue_turn_credentials("s3cret", "p-42", 600, ["turn:turn.example:3478"], now=1000)
    assert creds.username == "1600:p-42"
    expected = base64.b64encode(hmac.new(b"s3cret", b"1600:p-42", hashlib.sha1).digest())
    assert creds.credential == expected.decode()
    assert creds.expires_at == 1600
    assert creds.as_dict() == {"urls": ["turn:turn.example:3478"], "username": "1600:p-42",
                               "credential": creds.credential}


def test_credentials_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        issue_turn_credentials("s", "a:b", 60, ["turn:x"])
    with pytest.raises(ValueError):
        issue_turn_credentials("", "a", 60, ["turn:x"])
    with pytest.raises(ValueError):
        issue_turn_credentials("s", "a", 60, [])


def test_settings_give_stun_and_turn_entries() -> None:
    settings = TurnSettings(secret="s", turn_urls=("turn:t:3478",), stun_urls=("stun:t:3478",))
    stun, turn = settings.ice_servers_for("u1", now=0)
    assert stun.username is None and stun.urls == ("stun:t:3478",)
    assert turn.username == "3600:u1"


async def _relay_pair(servers: list[IceServerConfig]) -> tuple[MediaPeer, MediaPeer]:
    opts = MediaPeerOptions(ice_servers=servers, relay_only=True, width=160, height=120,
                            fps=10, send_audio=False)
    a, b = MediaPeer("a", opts), MediaPeer("b", opts)
    answer = await b.accept_offer(await a.create_offer())
    await a.apply_answer(answer)
    return a, b


async def test_relay_only_pair_works_with_issued_credentials(
    coturn_server: CoturnServer,
) -> None:
    servers = [
        issue_turn_credentials(coturn_server.secret, "u-a", 300, coturn_server.turn_urls)
    ]
    a, b = await _relay_pair(servers)
    try:
        assert a.local_candidate_types() == {"relay"}
        assert b.local_candidate_types() == {"relay"}
        for peer in (a, b):
            assert await peer.wait_for_frames(video_tracks=1, min_frames=3, timeout_s=20), (
                coturn_server.log_tail()
            )
            assert peer.pc.connectionState == "connected"
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize("case", ["wrong_secret", "expired", "no_credentials"])
async def test_relay_only_pair_fails_without_valid_credentials(
    coturn_server: CoturnServer, case: str
) -> None:
    urls = coturn_server.turn_urls
    if case == "wrong_secret":
        servers = [issue_turn_credentials("not-the-secret", "u-a", 300, urls)]
    elif case == "expired":
        servers = [issue_turn_credentials(coturn_server.secret, "u-a", -60, urls)]
    else:
        servers = [IceServerConfig(urls=tuple(urls), username="", credential="")]
    a, b = await _relay_pair(servers)
    try:
        # coturn refused the allocation: no relay candidate, so (relay-only) no
        # candidate at all and nothing to connect over.
        assert a.local_candidate_types() == set()
        assert b.local_candidate_types() == set()
        assert await a.wait_connection(timeout_s=3) != "connected"
        assert not await b.wait_for_frames(video_tracks=1, timeout_s=2)
        assert a.pc.connectionState != "connected"
    finally:
        await a.close()
        await b.close()
