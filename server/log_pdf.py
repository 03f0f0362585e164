"""The patient's log extract as a PDF (fpdf2): who read their data, where and when."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF

from chat.views import PatientLogEntry

STOCKHOLM = ZoneInfo("Europe/Stockholm")

ACTIONS_SV = {
    "threads.list": "såg ärendet i en lista",
    "thread.read": "läste ärendet",
    "thread.create": "skapade ett ärende",
    "messages.read": "läste meddelanden",
    "attachment.download": "öppnade en bifogad fil",
    "meeting.join": "deltog i ett videomöte",
    "access_log.read": "granskade loggen",
    "emergency_access": "nödöppnade spärrad information",
    "thread.assign": "fördelade ärendet",
    "thread.transfer": "flyttade ärendet",
    "thread.status": "ändrade ärendets status",
    "thread.attachments_setting": "ändrade inställning för filer",
    "thread.add_participant": "lade till en deltagare",
}


def action_text(action: str) -> str:
    return ACTIONS_SV.get(action, action)


def _latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1 (å, ä, ö, é …); anything else becomes '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def render_log_extract(patient_name: str, entries: list[PatientLogEntry], now: datetime) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Loggutdrag")
    pdf.set_creator("Nära")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(0, 10, _latin1("Loggutdrag: vem har tagit del av dina uppgifter"))
    pdf.ln(12)
    pdf.set_font("Helvetica", size=10)
    intro = (
        f"Patient: {patient_name}\n"
        f"Utdraget skapades {now.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}. "
        "Det visar vilka vårdenheter och vilken personal som har läst dina uppgifter i Nära "
        "och när (patientdatalagen 8 kap. 5 §). Nödöppning betyder att personalen tog del av "
        "spärrad information med en angiven anledning."
    )
    pdf.multi_cell(0, 5, _latin1(intro))
    pdf.ln(4)
    if not entries:
        pdf.multi_cell(0, 6, _latin1("Ingen personal har tagit del av dina uppgifter."))
        return bytes(pdf.output())
    pdf.set_font("Helvetica", size=8)
    with pdf.table(col_widths=(28, 44, 44, 30, 44), text_align="LEFT") as table:
        header = table.row()
        for title in ("Tid", "Vårdenhet", "Personal", "Yrke", "Vad"):
            header.cell(_latin1(title))
        for e in entries:
            row = table.row()
            row.cell(f"{e.at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}")
            row.cell(_latin1(e.unit_name))
            row.cell(_latin1(e.staff_name))
            row.cell(_latin1(e.profession or ""))
            what = action_text(e.action) + (" (nödöppning)" if e.emergency else "")
            row.cell(_latin1(what))
    return bytes(pdf.output())
