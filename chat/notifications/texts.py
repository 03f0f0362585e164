"""The only texts that leave Nära: they name the service and say that something is new.

Never message text, names, personnummer, diagnoses, the unit or its speciality: a notice can be
read by anyone who sees the phone's lock screen or shares the mailbox.
"""

from __future__ import annotations

SUBJECT = "Nytt meddelande i Nära"
NOTICE_SV = "Du har fått ett nytt meddelande i Nära. Logga in för att läsa det."
NOTICE_EN = "You have a new message in Nära. Log in to read it."
PUSH_TITLE = "Nytt meddelande i Nära"
CODE_SUBJECT = "Din kod för Nära"
CODE_SV = "Din kod för Nära är {code}. Den gäller i 15 minuter."
CODE_EN = "Your Nära code is {code}. It is valid for 15 minutes."


def email_body(public_url: str = "") -> str:
    link = f"\n\n{public_url}/" if public_url else ""
    return f"{NOTICE_SV}{link}\n\n{NOTICE_EN}\n"


def sms_text() -> str:
    return NOTICE_SV


def push_payload() -> dict[str, str]:
    """What the service worker shows (web_client/public/sw.js): title and text only."""
    return {"title": PUSH_TITLE, "body": NOTICE_SV, "url": "/", "tag": "nara-new"}
