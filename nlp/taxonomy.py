"""Fixed taxonomy: categories, urgency levels and their Swedish labels."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "lakemedel",
    "tidsbokning",
    "psykisk_halsa",
    "rehab",
    "graviditet",
    "barn",
    "diabetes",
    "hjarta_karl",
    "hud",
    "provsvar",
    "infektion",
    "ovrigt",
)

# Ordered from most to least urgent.
URGENCIES: tuple[str, ...] = ("akut", "bradskande", "snart", "rutin")

CATEGORY_LABELS_SV: dict[str, str] = {
    "lakemedel": "läkemedel",
    "tidsbokning": "tidsbokning/praktiskt",
    "psykisk_halsa": "psykisk hälsa",
    "rehab": "rehab/rörelseapparat",
    "graviditet": "graviditet/preventivmedel",
    "barn": "barnhälsovård",
    "diabetes": "diabetes",
    "hjarta_karl": "hjärta/kärl",
    "hud": "hud",
    "provsvar": "provsvar",
    "infektion": "infektion",
    "ovrigt": "övrigt",
}

URGENCY_LABELS_SV: dict[str, str] = {
    "akut": "akut (ring 112)",
    "bradskande": "brådskande (kontakt i dag)",
    "snart": "snart (inom några dagar)",
    "rutin": "rutin",
}

TRIAGE_KEY = "triage"
