"""Test support: which catalogue presentations stand for each red-flag kind."""

from __future__ import annotations

# The nine red-flag kinds of the first design, as the catalogue presentations that cover them.
PRESENTATIONS: dict[str, set[str]] = {
    "chest_pain_breathless": {
        "acute_coronary_syndrome", "pulmonary_embolism", "acute_heart_failure",
        "aortic_dissection", "arrhythmia_with_warning_signs", "severe_breathing_difficulty",
    },
    "stroke": {"stroke"},
    "bleeding": {
        "major_bleeding", "gastrointestinal_bleeding", "bleeding_in_pregnancy",
        "postpartum_haemorrhage", "coughing_blood", "nosebleed_uncontrolled",
    },
    "anaphylaxis": {"anaphylaxis", "upper_airway_swelling"},
    "suicidal": {"suicidal_acute"},
    "unconscious": {"reduced_consciousness"},
    "infant_fever": {"infant_fever"},
    "thunderclap_headache": {"thunderclap_headache"},
    "breathing": {
        "severe_breathing_difficulty", "child_breathing_distress", "severe_asthma_copd_attack",
        "choking_airway_obstruction",
    },
}
