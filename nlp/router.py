"""Router: text in, RoutingDecision out (rules for red flags, textcat for the rest)."""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from spacy.language import Language

from .corpus import load_split
from .decision import RoutingDecision
from .emergency import emergency_reply
from .featurize import Features, Featurizer
from .model import CATEGORY_PIPE, URGENCY_PIPE, is_model_dir, load_pipeline, train_model
from .normalize import Lemmatizer
from .pii import (
    PERSONNUMMER,
    PHONE,
    PiiSpan,
    find_personal_data,
    mask_personal_data,
    mask_spans,
)
from .rules import RedFlagHit, is_pregnant
from .taxonomy import CATEGORIES, CATEGORY_LABELS_SV, TRIAGE_KEY, URGENCIES

log = logging.getLogger(__name__)

SHIPPED_MODEL_DIR = Path(__file__).parent / "model"
# Below this category probability the message goes to triage (calibrated on dev, see README).
DEFAULT_TRIAGE_THRESHOLD = 0.4
# Share of the category score taken from keyword hits (tuned on dev, see README).
DEFAULT_KEYWORD_WEIGHT = 0.8
DEFAULT_PRIOR_POWER = 0.5
# Share of each non-acute level in the training corpus.
_URGENCY_PRIOR = {"bradskande": 0.09, "snart": 0.3, "rutin": 0.61}
# Red-flag kinds whose category is clear whatever the wording.
_FLAG_CATEGORY = {
    "suicidal": "psykisk_halsa",
    "infant_fever": "barn",
    "stroke": "hjarta_karl",
    "chest_pain_breathless": "hjarta_karl",
    "thunderclap_headache": "ovrigt",
}
_MAX_KEYWORDS = 6
# Words left by masking personal data; on their own they say nothing about the case.
_PLACEHOLDERS = frozenset({PERSONNUMMER, PHONE})


def default_model_dir() -> Path:
    return Path(os.environ.get("NARA_DATA_DIR", "./data")) / "nlp-model"


class Router:
    """Thread-safe message router; construct with `Router.load()`."""

    def __init__(
        self,
        nlp: Language,
        lemmatizer: Lemmatizer,
        triage_threshold: float = DEFAULT_TRIAGE_THRESHOLD,
        keyword_weight: float = DEFAULT_KEYWORD_WEIGHT,
    ) -> None:
        self.keyword_weight = keyword_weight
        self.prior_power = DEFAULT_PRIOR_POWER
        self.featurizer = Featurizer(nlp, lemmatizer)
        self.triage_threshold = triage_threshold
        self._category = nlp.get_pipe(CATEGORY_PIPE)
        self._urgency = nlp.get_pipe(URGENCY_PIPE)
        # spaCy's StringStore is not guaranteed thread-safe; routing is fast, so serialise.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path | None = None) -> Router:
        """Load `model_dir` if present, else the shipped `nlp/model/`, else train.

        Training (a few seconds) writes to `model_dir` or `$NARA_DATA_DIR/nlp-model`.
        """
        for candidate in (model_dir, SHIPPED_MODEL_DIR):
            if candidate is not None and is_model_dir(candidate):
                return cls(*load_pipeline(candidate))
        target = model_dir or default_model_dir()
        if not is_model_dir(target):
            log.info("No NLP model found; training one into %s", target)
            train_model(load_split("train") + load_split("dev"), target, progress=False)
        return cls(*load_pipeline(target))

    def scores(self, feats: Features) -> tuple[dict[str, float], dict[str, float]]:
        with self._lock:
            doc = self._urgency(self._category(self.featurizer.doc(feats)))
        cats = {c: float(doc.cats[c]) for c in CATEGORIES}
        urgs = {u: float(doc.cats[u]) for u in URGENCIES}
        return cats, urgs

    def route(
        self, text: str, routing_table: Mapping[str, str] | None = None
    ) -> RoutingDecision:
        spans = find_personal_data(text)
        feats = self.featurizer.extract(mask_spans(text, spans))
        if not any(w.isalpha() and w not in _PLACEHOLDERS for w in feats.analysis.lemmas):
            return _empty_decision(spans, feats.language, routing_table)
        cats, urgs = self.scores(feats)
        flags = self.featurizer.rules.red_flags(feats.analysis)
        category, confidence, reasons = self._category_decision(feats, cats, flags)
        if flags:
            urgency = "akut"
            reasons = [f"Röd flagga: {h.rule.label_sv} ({h.text})" for h in flags] + reasons
        else:
            urgency = self._urgency_without_flag(urgs)
        needs_triage = confidence < self.triage_threshold
        if needs_triage:
            reasons.append(f"Osäker kategori ({confidence:.0%}) – skickas till triage")
        team = _team(routing_table, TRIAGE_KEY if needs_triage else category)
        return RoutingDecision(
            category=category,
            urgency=urgency,
            confidence=round(confidence, 4),
            reasons=tuple(mask_personal_data(r) for r in reasons),
            pii_spans=spans,
            language=feats.language,
            target_team=team,
            needs_triage=needs_triage,
            emergency_reply=emergency_reply(feats.language) if flags else None,
            red_flag_kind=flags[0].rule.kind if flags else None,
        )

    def _urgency_without_flag(self, urgs: dict[str, float]) -> str:
        """Classifier over brådskande/snart/rutin, corrected for the class prior.

        Dividing by the training prior (square root, tuned on dev) trades rutin precision
        for recall of the rarer, more urgent levels; under-triage is the costlier mistake.
        """
        levels = ("bradskande", "snart", "rutin")
        return max(levels, key=lambda u: urgs[u] / _URGENCY_PRIOR[u] ** self.prior_power)

    def _with_keywords(self, cats: dict[str, float], feats: Features) -> dict[str, float]:
        """Blend the classifier with the share of distinct keyword hits per category."""
        votes = Counter({(h.category, h.text.lower()) for h in feats.keyword_hits})
        per_cat = Counter(cat for cat, _ in votes)
        total = sum(per_cat.values())
        if not total:
            return cats
        w = self.keyword_weight
        return {c: (1 - w) * p + w * per_cat[c] / total for c, p in cats.items()}

    def _category_decision(
        self, feats: Features, cats: dict[str, float], flags: list[RedFlagHit]
    ) -> tuple[str, float, list[str]]:
        cats = self._with_keywords(cats, feats)
        category = max(cats, key=lambda c: cats[c])
        confidence = cats[category]
        reasons: list[str] = []
        forced = next((_FLAG_CATEGORY[h.rule.kind] for h in flags if h.rule.kind in
                       _FLAG_CATEGORY), None)
        # Bleeding in pregnancy belongs to the midwives.
        if any(h.rule.kind == "bleeding" for h in flags) and is_pregnant(feats.folded_text):
            forced = forced or "graviditet"
        # Allergic reactions go to hud, unless a medicine is mentioned as the cause.
        if any(h.rule.kind == "anaphylaxis" for h in flags):
            medicine = any(h.category == "lakemedel" for h in feats.keyword_hits)
            forced = forced or ("lakemedel" if medicine else "hud")
        if feats.infant:
            forced = "barn"
            reasons.append("Barn under ett år: barnhälsovården")
        if forced is not None:
            # A convention decided the category, not the classifier.
            category, confidence = forced, max(0.9, cats[forced])
        words = list(dict.fromkeys(h.text.lower() for h in feats.keyword_hits
                                   if h.category == category))
        if words:
            reasons.append("Nyckelord: " + ", ".join(words[:_MAX_KEYWORDS]))
        reasons.append(f"Textmodellen: {CATEGORY_LABELS_SV[category]} ({confidence:.0%})")
        return category, confidence, reasons


def _empty_decision(
    spans: tuple[PiiSpan, ...], language: str, routing_table: Mapping[str, str] | None
) -> RoutingDecision:
    """No words to go on (empty, only digits or emoji): a human has to look."""
    return RoutingDecision(
        category="ovrigt",
        urgency="rutin",
        confidence=0.0,
        reasons=("Inga ord att bedöma – skickas till triage",),
        pii_spans=spans,
        language=language,
        target_team=_team(routing_table, TRIAGE_KEY),
        needs_triage=True,
        emergency_reply=None,
        red_flag_kind=None,
    )


def _team(routing_table: Mapping[str, str] | None, key: str) -> str | None:
    if routing_table is None:
        return None
    return routing_table.get(key, routing_table.get(TRIAGE_KEY))
