"""Case types (ärendetyper), invånarärenden, consultations and standard answers (issue 12)."""
