"""Router: text in, RoutingDecision out (rules for red flags, textcat for the rest)."""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from spacy.language import Language

from .acute_model import AcuteDetector, AcuteScore
from .acute_model import features as acute_features
from .corpus import load_split, training_rows
from .decision import RoutingDecision
from .emergency import emergency_reply, safety_net_reply
from .featurize import Features, Featurizer
from .linear import LinearClassifier
from .model import (
    category_gram_words,
    classifier_features,
    is_model_dir,
    load_pipeline,
    train_model,
)
from .normalize import Lemmatizer
from .pii import (
    PERSONNUMMER,
    PHONE,
    PiiSpan,
    find_personal_data,
    mask_personal_data,
    mask_spans,
)
from .screen import EmergencyScreen, load_weak_triggers
from .taxonomy import CATEGORY_LABELS_SV, TRIAGE_KEY
from .triage import Assessment

log = logging.getLogger(__name__)

SHIPPED_MODEL_DIR = Path(__file__).parent / "model"
# Below this category probability the message goes to triage. Calibrated on dev as the lowest
# threshold (in steps of 0.05) whose triage queue catches a quarter of the wrong categories:
# the model with the pregnancy blood pressure presentation at 0.65 sends 6.8 % of dev to
# triage and catches 121 of its 381 wrong categories (at 0.6: 4.8 %, 93); the twelfth
# round's at 0.6 sent 4.6 % and caught 97 of 388; the sixth round's at 0.65 sent 6.5 % and
# caught 72 of 284.
DEFAULT_TRIAGE_THRESHOLD = 0.65
# Share of the category score taken from keyword hits (tuned on dev, see README).
DEFAULT_KEYWORD_WEIGHT = 0.2
DEFAULT_PRIOR_POWER = 0.5
# Share of each non-acute level in the training corpus.
_URGENCY_PRIOR = {"bradskande": 0.09, "snart": 0.3, "rutin": 0.61}
# Context reader for concept mentions (see README: medspaCy's ConText vs the old cues).
DEFAULT_CONTEXT = os.environ.get("NARA_NLP_CONTEXT", "medspacy")
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
        category: LinearClassifier,
        urgency: LinearClassifier,
        triage_threshold: float = DEFAULT_TRIAGE_THRESHOLD,
        keyword_weight: float = DEFAULT_KEYWORD_WEIGHT,
        acute: AcuteDetector | None = None,
        context: str = DEFAULT_CONTEXT,
    ) -> None:
        self.keyword_weight = keyword_weight
        self.prior_power = DEFAULT_PRIOR_POWER
        self.featurizer = Featurizer(nlp, lemmatizer)
        self.screen = EmergencyScreen(self.featurizer.analyzer, self.featurizer.rules, context)
        self.acute = acute
        self.triage_threshold = triage_threshold
        self._category = category
        self._urgency = urgency
        # spaCy's StringStore is not guaranteed thread-safe; routing is fast, so serialise.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path | None = None, context: str = DEFAULT_CONTEXT) -> Router:
        """Load `model_dir` if present, else the shipped `nlp/model/`, else train.

        Training (a few seconds) writes to `model_dir` or `$NARA_DATA_DIR/nlp-model`.
        """
        for candidate in (model_dir, SHIPPED_MODEL_DIR):
            if candidate is not None and is_model_dir(candidate):
                return cls._from_dir(candidate, context)
        target = model_dir or default_model_dir()
        if not is_model_dir(target):
            log.info("No NLP model found; training one into %s", target)
            train_model(training_rows(), target, progress=False,
                        calibration=load_split("dev"))
        return cls._from_dir(target, context)

    @classmethod
    def _from_dir(cls, path: Path, context: str) -> Router:
        nlp, lemmatizer, category, urgency = load_pipeline(path)
        router = cls(nlp, lemmatizer, category, urgency, acute=AcuteDetector.load(path),
                     context=context)
        router.screen.weak = load_weak_triggers(path)
        return router

    def scores(
        self, feats: Features, assessment: Assessment
    ) -> tuple[dict[str, float], dict[str, float]]:
        words = classifier_features(feats, assessment)
        return self._category_scores(feats, words), self._urgency.probabilities(words)

    def _category_scores(self, feats: Features, words: list[str]) -> dict[str, float]:
        return self._category.probabilities(words, category_gram_words(feats))

    def assess(self, masked_text: str) -> tuple[Features, Assessment]:
        feats = self.featurizer.extract(masked_text)
        with self._lock:
            assessment = self.screen.assess(feats.analysis)
        return feats, assessment

    def route(
        self, text: str, routing_table: Mapping[str, str] | None = None
    ) -> RoutingDecision:
        spans = find_personal_data(text)
        feats, assessment = self.assess(mask_spans(text, spans))
        if not any(w.isalpha() and w not in _PLACEHOLDERS for w in feats.analysis.lemmas):
            return _empty_decision(spans, feats.language, routing_table)
        words = classifier_features(feats, assessment)
        score = self._acute_score(feats, assessment)
        category, confidence, reasons = self._category_decision(
            feats, self._category_scores(feats, words), assessment)
        urgency, urgency_reasons = self._urgency_decision(assessment, score, words)
        reasons = urgency_reasons + reasons
        needs_triage = confidence < self.triage_threshold
        if needs_triage:
            reasons.append(f"Osäker kategori ({confidence:.0%}) – skickas till triage")
        team = _team(routing_table, TRIAGE_KEY if needs_triage else category)
        top = assessment.top
        presentation = top.presentation if top is not None and urgency in (
            "akut", "bradskande") else None
        lang = feats.language
        return RoutingDecision(
            category=category,
            urgency=urgency,
            confidence=round(confidence, 4),
            reasons=tuple(mask_personal_data(r) for r in reasons),
            pii_spans=spans,
            language=lang,
            target_team=team,
            needs_triage=needs_triage,
            emergency_reply=emergency_reply(lang, presentation) if urgency == "akut" else None,
            red_flag_kind=(presentation.id if presentation else "acute_detector")
            if urgency == "akut" else None,
            presentation=presentation.id if presentation else None,
            presentation_name=presentation.name_sv if presentation else None,
            safety_net_reply=safety_net_reply(lang, presentation)
            if urgency == "bradskande" and assessment.level is not None else None,
            acute_probability=round(score.probability, 4) if score else 0.0,
        )

    def _acute_score(self, feats: Features, assessment: Assessment) -> AcuteScore | None:
        if self.acute is None or assessment.level == "akut":
            return None
        return self.acute.score(acute_features(feats.analysis, assessment),
                                self.screen.catalogue)

    def _urgency_decision(
        self, assessment: Assessment, score: AcuteScore | None, words: list[str]
    ) -> tuple[str, list[str]]:
        top = assessment.top
        if assessment.level == "akut" and top is not None:
            evidence = " + ".join(top.evidence)
            return "akut", [f"Akut: {top.presentation.name_sv} ({evidence})"]
        if score is not None and self.acute is not None and (
                score.probability >= self.acute.threshold):
            why = ", ".join(score.drivers) or "helheten"
            return "akut", [f"Akut enligt textmodellen ({score.probability:.0%}): {why}"]
        if assessment.level == "bradskande":
            return "bradskande", [_serious_reason(assessment)]
        # Only here does the urgency classifier decide; a flag or the detector overrules it.
        return self._urgency_without_flag(self._urgency.probabilities(words)), []

    def _known_share(self, feats: Features) -> float:
        words = [w for w in feats.analysis.lemmas if w.isalpha() and len(w) > 3]
        if not words:
            return 1.0
        return sum(w in self._category for w in words) / len(words)

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
        self, feats: Features, cats: dict[str, float], assessment: Assessment
    ) -> tuple[str, float, list[str]]:
        cats = self._with_keywords(cats, feats)
        category = max(cats, key=lambda c: cats[c])
        # Words the classifier has never seen ("zorblax") make its certainty hollow.
        confidence = cats[category] * self._known_share(feats)
        # No forced conventions (infant -> barn, presentation -> its category): on text from
        # independent writers the classifier, which sees the concept tags, does better
        # (Swedish macro-F1 0.83 against 0.78 on dev).
        reasons: list[str] = []
        words = list(dict.fromkeys(h.text.lower() for h in feats.keyword_hits
                                   if h.category == category))
        if words:
            reasons.append("Nyckelord: " + ", ".join(words[:_MAX_KEYWORDS]))
        reasons.append(f"Textmodellen: {CATEGORY_LABELS_SV[category]} ({confidence:.0%})")
        return category, confidence, reasons


def _serious_reason(assessment: Assessment) -> str:
    top = assessment.top
    if top is not None:
        kind = "Övergående" if top.passed else "Kontakt i dag"
        return f"{kind}: {top.presentation.name_sv} ({' + '.join(top.evidence)})"
    labels = ", ".join(dict.fromkeys(
        m.text for m in assessment.serious))
    return f"Allvarligt besvär – kontakt i dag ({labels})"


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
