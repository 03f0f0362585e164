"""The only texts that leave Nära: they name the service and say that something is new.

Never message text, names, personnummer, diagnoses, the unit or its speciality: a notice can be
read by anyone who sees the phone's lock screen or shares the mailbox. (Not even the kind of
unit: "vårdcentralen" would be wrong for a municipality's home care and says more than needed.)
"""

from __future__ import annotations

from dataclasses import dataclass

from chat.notifications.models import NoticeReason

SUBJECT = "Nytt meddelande i Nära"
NOTICE_SV = "Du har fått ett nytt meddelande i Nära. Logga in för att läsa det."
NOTICE_EN = "You have a new message in Nära. Log in to read it."
PUSH_TITLE = "Nytt meddelande i Nära"
MEETING_SUBJECT = "Ditt videomöte i Nära har börjat"
MEETING_SV = "Ditt videomöte med vården har börjat. Logga in i Nära för att delta."
MEETING_EN = "Your video meeting with your care provider has started. Log in to Nära to join."
CODE_SUBJECT = "Din kod för Nära"
CODE_SV = "Din kod för Nära är {code}. Den gäller i 15 minuter."
CODE_EN = "Your Nära code is {code}. It is valid for 15 minutes."


@dataclass(frozen=True)
class Notice:
    """One kind of notice: e-mail subject and push title, the Swedish and English lines, and
    the service worker's tag (a newer notice of the same kind replaces the one shown)."""

    title: str
    sv: str
    en: str
    tag: str


NEW_MESSAGE = Notice(SUBJECT, NOTICE_SV, NOTICE_EN, "nara-new")
MEETING_STARTED = Notice(MEETING_SUBJECT, MEETING_SV, MEETING_EN, "nara-meeting")


def notice_for(reason: str) -> Notice:
    """An invitation says only that something is new, as a message does."""
    return MEETING_STARTED if reason == NoticeReason.MEETING_STARTED else NEW_MESSAGE


def email_body(public_url: str = "", reason: str = NoticeReason.MESSAGE) -> str:
    notice = notice_for(reason)
    link = f"\n\n{public_url}/" if public_url else ""
    return f"{notice.sv}{link}\n\n{notice.en}\n"


def sms_text(reason: str = NoticeReason.MESSAGE) -> str:
    return notice_for(reason).sv


def push_payload(reason: str = NoticeReason.MESSAGE) -> dict[str, str]:
    """What the service worker shows (web_client/public/sw.js): title and text only."""
    notice = notice_for(reason)
    return {"title": notice.title, "body": notice.sv, "url": "/", "tag": notice.tag}
