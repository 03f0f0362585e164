"""SMS through the 46elks adapter (a local HTTP stand-in), address verification by code,
retries with backoff and what administrators see, and Web Push: the encrypted payload the
server produced, decrypted with the subscription's keys as the browser would."""

from __future__ import annotations

import base64
import json
import logging
import re

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chat.notifications import texts
from tests.notifications.support import BrowserKeys, settled, unb64
from tests.support.flows import send, start_thread

pytestmark = pytest.mark.slow


async def _verify_phone(server, standin, client, number: str) -> dict:
    settings = await client.ok(
        "POST", "/api/v1/me/notifications/verify", {"channel": "sms", "address": number}
    )
    assert settings["pending_verification"] == ["sms"]
    await standin.wait(lambda: standin.sms)
    code = re.search(r"\b(\d{6})\b", standin.sms[-1]["message"]).group(1)
    status, body = await client.post(
        "/api/v1/me/notifications/confirm", {"channel": "sms", "code": "000000"}
    )
    if code != "000000":
        assert status == 422 and body["error"]["reason"] == "code_wrong"
    return await client.ok(
        "POST", "/api/v1/me/notifications/confirm", {"channel": "sms", "code": code}
    )


async def test_sms_after_a_verified_number(nserver, standin, caplog):
    caplog.set_level(logging.INFO)
    bertil = await nserver.login("bertil")
    settings = await _verify_phone(nserver, standin, bertil, "070-123 45 67")
    assert settings["phone"] == "+46701234567" and settings["phone_verified"]
    assert settings["sms_enabled"] and settings["pending_verification"] == []
    started = await start_thread(
        bertil,
        nserver.demo.patients["bertil"],
        nserver.demo.care_contacts["bertil"],
        body="Mitt blodtryck är 160/100, ska jag öka Enalapril?",
    )
    sara = await nserver.login("sara")
    await send(sara, started["thread"]["id"], "Bertil, öka inte själv. Vi ringer i morgon.")
    await standin.wait(lambda: len(standin.sms) >= 2)
    sms = standin.sms[-1]
    assert sms["to"] == "+46701234567" and sms["from"] == "Nara"
    assert sms["message"] == texts.NOTICE_SV
    assert sms["auth"] == "Basic " + base64.b64encode(b"u123:secret").decode()
    logged = "\n".join(str(r.__dict__) for r in caplog.records if r.name.startswith("nara"))
    assert "46701234567" not in logged and "Enalapril" not in logged


@pytest.mark.parametrize("notify_overrides", [{"notify_window_s": 1}])
async def test_a_failing_gateway_is_retried_with_backoff_and_shown_to_administrators(
    nserver, standin
):
    bertil = await nserver.login("bertil")
    await _verify_phone(nserver, standin, bertil, "+46709876543")
    started = await start_thread(
        bertil, nserver.demo.patients["bertil"], nserver.demo.care_contacts["bertil"]
    )
    standin.fail_next = 2
    sara = await nserver.login("sara")
    await send(sara, started["thread"]["id"], "Svar")
    await standin.wait(lambda: len([s for s in standin.sms if not s.get("refused")]) >= 2, 10)
    refused = [s for s in standin.sms if s.get("refused")]
    assert len(refused) == 2
    [row] = await settled(nserver, lambda rows: rows and rows[0].state == "sent")
    assert row.attempts == 2 and row.last_error == "sms_http_503"
    lars = await nserver.login("lars")  # unit administrator
    status = await lars.ok("GET", f"/api/v1/units/{nserver.demo.unit_id}/notifications/status")
    assert status["sent_last_24h"] == 1 and status["failed"] == 0
    assert status["last_error"] == "sms_http_503" and status["last_error_at"]
    # A refused number (400) is not retried: the notice fails and the admins see it.
    standin.fail_next, standin.fail_status = 1, 400
    await send(sara, started["thread"]["id"], "Ett svar till")
    await settled(nserver, lambda rows: any(r.state == "failed" for r in rows))
    status = await lars.ok("GET", f"/api/v1/units/{nserver.demo.unit_id}/notifications/status")
    assert status["failed"] == 1 and status["last_error"] == "sms_http_400"
    assert "+4670" not in json.dumps(status)
    sara_status, _ = await sara.get(f"/api/v1/units/{nserver.demo.unit_id}/notifications/status")
    assert sara_status == 404  # not an administrator


async def test_email_verification_flow(nserver, mail):
    bertil = await nserver.login("bertil")
    status, body = await bertil.request("PUT", "/api/v1/me/notifications", {"email_enabled": True})
    assert status == 422 and body["error"]["reason"] == "not_verified"
    status, body = await bertil.post(
        "/api/v1/me/notifications/verify", {"channel": "email", "address": "inte en adress"}
    )
    assert status == 422
    await bertil.ok(
        "POST",
        "/api/v1/me/notifications/verify",
        {"channel": "email", "address": "bertil@example.se"},
    )
    [got] = await mail.wait_for(1, address="bertil@example.se")
    code = re.search(r"\b(\d{6})\b", got.body).group(1)
    settings = await bertil.ok(
        "POST", "/api/v1/me/notifications/confirm", {"channel": "email", "code": code}
    )
    assert settings["email"] == "bertil@example.se" and settings["email_verified"]
    assert settings["email_enabled"]
    # The code works once.
    status, _ = await bertil.post(
        "/api/v1/me/notifications/confirm", {"channel": "email", "code": code}
    )
    assert status == 422
    # At most five codes an hour.
    for _ in range(4):
        await bertil.ok(
            "POST",
            "/api/v1/me/notifications/verify",
            {"channel": "email", "address": "bertil@example.se"},
        )
    status, body = await bertil.post(
        "/api/v1/me/notifications/verify", {"channel": "email", "address": "bertil@example.se"}
    )
    assert status == 429 and body["error"]["code"] == "rate_limited"


def _verify_vapid(header: str, public_key: str, audience: str) -> dict:
    """``vapid t=<JWT>, k=<public key>``: the JWT is ES256 over the server's VAPID key."""
    fields = dict(p.strip().split("=", 1) for p in header[len("vapid ") :].split(","))
    assert fields["k"] == public_key
    head, claims, sig = fields["t"].split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public_key))
    raw = unb64(sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    payload = json.loads(unb64(claims))
    assert payload["aud"] == audience and payload["sub"]
    return payload


async def test_web_push_payload_is_encrypted_for_the_subscription_and_content_free(
    nserver, standin
):
    anna = await nserver.login("anna")
    settings = await anna.ok("GET", "/api/v1/me/notifications")
    assert "push" in settings["available"] and settings["vapid_public_key"]
    browser = BrowserKeys.make()
    endpoint = f"{standin.url}/push/anna-browser"
    settings = await anna.ok(
        "POST",
        "/api/v1/me/push-subscriptions",
        {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {
                "p256dh": browser.p256dh,
                "auth": base64.urlsafe_b64encode(browser.auth).rstrip(b"=").decode(),
            },
        },
    )
    assert settings["push_enabled"] and settings["push_subscriptions"] == 1
    started = await start_thread(
        anna, nserver.demo.patients["anna"], nserver.demo.care_contacts["anna"]
    )
    sara = await nserver.login("sara")
    await send(sara, started["thread"]["id"], "Anna, ditt provsvar (TSH 2,1) är normalt.")
    await standin.wait(lambda: standin.pushes)
    push = standin.pushes[0]
    headers = {k.lower(): v for k, v in push["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0 and len(headers["topic"]) <= 32
    _verify_vapid(headers["authorization"], settings["vapid_public_key"], standin.url)
    plain = http_ece.decrypt(
        push["body"], private_key=browser.private, auth_secret=browser.auth, version="aes128gcm"
    )
    payload = json.loads(plain)
    assert payload["title"] == "Nytt meddelande i Nära" and payload["body"] == texts.NOTICE_SV
    assert "TSH" not in plain.decode() and "Anna" not in plain.decode()


async def test_a_gone_push_subscription_is_forgotten(nserver, standin):
    anna = await nserver.login("anna")
    browser = BrowserKeys.make()
    await anna.ok(
        "POST",
        "/api/v1/me/push-subscriptions",
        {
            "endpoint": f"{standin.url}/push/old",
            "keys": {
                "p256dh": browser.p256dh,
                "auth": base64.urlsafe_b64encode(browser.auth).rstrip(b"=").decode(),
            },
        },
    )
    await anna.ok("PUT", "/api/v1/me/notifications", {"email_enabled": False})
    standin.push_status = 410
    started = await start_thread(
        anna, nserver.demo.patients["anna"], nserver.demo.care_contacts["anna"]
    )
    sara = await nserver.login("sara")
    await send(sara, started["thread"]["id"], "Svar")
    await standin.wait(lambda: standin.pushes)
    await settled(nserver, lambda rows: rows and rows[0].state != "pending")
    settings = await anna.ok("GET", "/api/v1/me/notifications")
    assert settings["push_subscriptions"] == 0
