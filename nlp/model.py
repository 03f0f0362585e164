"""spaCy pipeline with two bag-of-words TextCategorizers: category and urgency.

The classifiers read a Doc built from the featurizer's words (folded lemmas plus keyword
tags), not the raw text, so training and routing see exactly the same normalisation.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import minibatch
from tqdm import tqdm

from .analyzer import Analyzer
from .corpus import LabelledMessage
from .featurize import Featurizer
from .lexicon import KEYWORDS, URGENCY_KEYWORDS
from .normalize import Lemmatizer, fold, full_lemma_table
from .pii import mask_personal_data
from .redflag_rules import HYPOTHETICAL_CUES, RULES
from .taxonomy import CATEGORIES, URGENCIES

LEMMA_FILE = "lemmas.json"
META_FILE = "nara_meta.json"
CATEGORY_PIPE = "category"
URGENCY_PIPE = "urgency"
# 2**15 hashed n-gram buckets keep the shipped weights around 2 MB.
_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 1,
    "no_output_layer": False,
    "length": 32768,
}


def blank_pipeline() -> Language:
    nlp = spacy.blank("sv")
    cat = nlp.add_pipe("textcat", name=CATEGORY_PIPE, config={"model": _BOW})
    urg = nlp.add_pipe("textcat", name=URGENCY_PIPE, config={"model": _BOW})
    for label in CATEGORIES:
        cat.add_label(label)  # type: ignore[attr-defined]
    for label in URGENCIES:
        urg.add_label(label)  # type: ignore[attr-defined]
    return nlp


def _pattern_phrases() -> Iterable[str]:
    for phrases in KEYWORDS.values():
        yield from phrases
    yield from _flag_phrases()


def _flag_phrases() -> Iterable[str]:
    for rule in RULES:
        yield from rule.alone
        for combo in rule.combos + rule.local_combos:
            for group in combo:
                yield from group


def _urgency_phrases() -> Iterable[str]:
    for phrases in URGENCY_KEYWORDS.values():
        yield from phrases


def build_lemmatizer(nlp: Language, texts: Iterable[str]) -> Lemmatizer:
    """Prune the full lookup table to the vocabulary of the corpus and the rules."""
    corpus: Counter[str] = Counter()
    for text in texts:
        corpus.update(fold(t.text) for t in nlp.tokenizer(text))
    rule_words = {
        fold(t.text)
        for phrase in [*_pattern_phrases(), *_urgency_phrases()]
        for t in nlp.tokenizer(phrase)
    }
    # Red-flag and question-frame words are the only targets for short or English typos.
    flag_phrases = [*_flag_phrases(), *HYPOTHETICAL_CUES]
    flag_words = {fold(t.text) for phrase in flag_phrases for t in nlp.tokenizer(phrase)}
    return Lemmatizer.pruned(full_lemma_table(), corpus, rule_words, flag_words)


def lexicon_rows() -> list[LabelledMessage]:
    """Every keyword as a one-phrase example, so rare words get weight from the start.

    Urgency cue words get an empty category, which the category classifier skips.
    """
    rows = [
        LabelledMessage(f"kw-{cat}-{i}", phrase, cat, None)
        for cat, phrases in KEYWORDS.items()
        for i, phrase in enumerate(phrases)
    ]
    rows += [
        LabelledMessage(f"uk-{level}-{i}", phrase, "", level)
        for level, phrases in URGENCY_KEYWORDS.items()
        for i, phrase in enumerate(phrases)
    ]
    return rows


def _examples(
    nlp: Language, featurizer: Featurizer, rows: Sequence[LabelledMessage]
) -> tuple[list[Example], list[Example]]:
    cat_examples, urg_examples = [], []
    for row in rows:
        doc = featurizer.doc(featurizer.extract(mask_personal_data(row.text)))
        if row.category:
            cats = {c: float(c == row.category) for c in CATEGORIES}
            cat_examples.append(Example.from_dict(doc, {"cats": cats}))
        if row.urgency is not None:
            urgs = {u: float(u == row.urgency) for u in URGENCIES}
            urg_examples.append(Example.from_dict(doc.copy(), {"cats": urgs}))
    return cat_examples, urg_examples


def train_model(
    rows: Sequence[LabelledMessage],
    output: Path,
    epochs: int = 20,
    seed: int = 13,
    progress: bool = True,
) -> Path:
    """Train both classifiers on `rows` and save the pipeline to `output`."""
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = blank_pipeline()
    lemmatizer = build_lemmatizer(nlp, (r.text for r in rows))
    featurizer = Featurizer(nlp, lemmatizer)
    cat_ex, urg_ex = _examples(nlp, featurizer, [*rows, *lexicon_rows()])
    cat_pipe, urg_pipe = nlp.get_pipe(CATEGORY_PIPE), nlp.get_pipe(URGENCY_PIPE)
    cat_pipe.initialize(lambda: cat_ex, nlp=nlp)  # type: ignore[attr-defined]
    urg_pipe.initialize(lambda: urg_ex, nlp=nlp)  # type: ignore[attr-defined]
    optimizer = nlp.create_optimizer()
    batches_per_epoch = (len(cat_ex) + 31) // 32 + (len(urg_ex) + 31) // 32
    with tqdm(total=epochs * batches_per_epoch, desc="Tränar", disable=not progress) as bar:
        for _ in range(epochs):
            for pipe, examples in ((cat_pipe, cat_ex), (urg_pipe, urg_ex)):
                random.shuffle(examples)
                for batch in minibatch(examples, size=32):
                    pipe.update(batch, sgd=optimizer)  # type: ignore[attr-defined]
                    bar.update(1)
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    lemmatizer.save(output / LEMMA_FILE)
    meta = {"examples": len(rows), "epochs": epochs, "seed": seed}
    (output / META_FILE).write_text(json.dumps(meta, indent=2), "utf8")
    return output


def is_model_dir(path: Path) -> bool:
    return (path / LEMMA_FILE).is_file() and (path / "config.cfg").is_file()


def load_pipeline(path: Path) -> tuple[Language, Lemmatizer]:
    nlp = spacy.load(path)
    return nlp, Lemmatizer.load(path / LEMMA_FILE)


__all__ = ["Analyzer", "blank_pipeline", "is_model_dir", "load_pipeline", "train_model"]
