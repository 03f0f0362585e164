"""Numbers written into a message: measured values, and amounts of medicine taken.

People and care staff write the number, not the word: "BT 215/125", "sat 86 %", "pulsen 34",
"mätaren visar 1,9". One reader turns each measurement into the concept its range means
(``very_high_bp``, ``low_bp``, ``slow_pulse``, ``fast_pulse``, ``low_oxygen``,
``low_blood_sugar``, ``high_blood_sugar``, ``high_ketones``), so the lexicon need not list
numbers. A measurement is a number next to the word for what was measured; the mention is the
number, so that ConText reads "var 34 i går" like any other finding. An amount taken ("tagit 16
tabletter", "kanske 8 gram") of ten tablets or six grams or more is an ``overdose``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_NUMBER = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?(?:-(\d{1,3}))?%?$")
_PRESSURE = re.compile(r"^(\d{2,3})/(\d{2,3})$")
# How far (in tokens) the number may sit from the word naming the measurement.
_WINDOW = 4
# A unit right after a number says it is not the measurement ("2,5 mg", "1,5 år").
_OTHER_UNITS = frozenset(
    """mg g gram kg ml dl l liter cl ar arig aring manad manader vecka veckor veckan dag
    dagar dygn timme timmar tim h min minuter minut sekunder st stycken tablett tabletter
    ganger ggr gang kr cm mm grader grad years year months month weeks week days day hours
    hour minutes tablets pills times x""".split()
)


@dataclass(frozen=True)
class Measure:
    name: str
    prefixes: tuple[str, ...]  # folded word starts naming it
    low: float  # plausible range of the value itself
    high: float


_SUGAR = Measure(
    "sugar",
    ("blodsock", "sockr", "socker", "glukos", "pglukos", "bs", "libre", "dexcom", "sensor",
     "matare", "mataren", "sugar", "glucose", "bg", "bgl", "mmol", "freestyle"),
    0.5, 40,
)
# Blood ketones (mmol/l): 3 or more with diabetes is ketoacidosis until shown otherwise.
_KETONES = Measure("ketones", ("keton", "ketones", "blodketon", "betaketon"), 0.0, 15)
_KETONES_HIGH = 3.0
_PULSE = Measure(
    "pulse",
    ("puls", "hjartfrekv", "pulse", "hr", "bpm", "heart", "slag", "hjartat"),
    15, 260,
)
_SATURATION = Measure(
    "saturation",
    ("sat", "spo2", "spo", "sao2", "syremattn", "syresattn", "mattnad", "oximet", "pulsoxi",
     "oxygen", "o2", "syre"),
    50, 100,
)
_BP_WORDS = ("blodtr", "bt", "bp", "tryck", "blood", "pressure", "mmhg", "systol", "overtryck")
_BLOOD_PRESSURE = Measure("blood_pressure", _BP_WORDS, 40, 300)
# "sat under 90", "puls över 120": the bound is the value for the reading's purpose.
_ABOVE = frozenset({"over", "above", ">", "overstiger"})
_BELOW = frozenset({"under", "below", "<"})


def _value(token: str) -> tuple[float, float] | None:
    """A number (or a range "34-36"): its lowest and highest value."""
    m = _NUMBER.match(token)
    if m is None:
        return None
    first = float(m.group(1) + ("." + m.group(2) if m.group(2) else ""))
    last = float(m.group(3)) if m.group(3) else first
    return min(first, last), max(first, last)


def _distance(words: tuple[str, ...], i: int, prefixes: tuple[str, ...]) -> int | None:
    """Tokens between the number and the nearest word naming the measurement, if near."""
    near = [abs(j - i) for j in range(max(0, i - _WINDOW), min(len(words), i + _WINDOW + 1))
            if j != i and words[j].startswith(prefixes)]
    return min(near, default=None)


def _named(words: tuple[str, ...], i: int, prefixes: tuple[str, ...]) -> bool:
    return _distance(words, i, prefixes) is not None


def _unit_after(words: tuple[str, ...], i: int) -> bool:
    return i + 1 < len(words) and words[i + 1] in _OTHER_UNITS


def readings(words: tuple[str, ...]) -> Iterator[tuple[str, int]]:
    """(concept, token index) for every measurement out of its normal range."""
    for i, w in enumerate(words):
        pressure = _PRESSURE.match(w)
        if pressure is not None:
            yield from _pressure(int(pressure.group(1)), int(pressure.group(2)), words, i)
            continue
        value = _value(w)
        if value is None or _unit_after(words, i):
            continue
        yield from _single(value, words, i)


def _pressure(systolic: int, diastolic: int, words: tuple[str, ...], i: int) -> Iterator[
    tuple[str, int]
]:
    # "12/11" is a date; a pressure has a plausible pair, or is named as one.
    plausible = 60 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic
    if not plausible or (systolic < 100 and not _named(words, i, _BP_WORDS)):
        return
    yield from _blood_pressure(systolic, diastolic, i)


def _blood_pressure(systolic: float, diastolic: float | None, i: int) -> Iterator[
    tuple[str, int]
]:
    # 140/90 is the pregnancy threshold (high_bp only counts with pregnancy symptoms),
    # 180/110 a hypertensive crisis.
    dia = diastolic or 0
    if systolic >= 180 or dia >= 110:
        yield "very_high_bp", i
    if systolic >= 140 or dia >= 90:
        yield "high_bp", i
        yield "bp_reading_high", i  # a measured value, not "jag har högt blodtryck"
    elif systolic < 90:
        yield "low_bp", i


def _single(value: tuple[float, float], words: tuple[str, ...], i: int) -> Iterator[
    tuple[str, int]
]:
    low, high = value
    decimal = "," in words[i] or "." in words[i]
    before = words[i - 1] if i > 0 else ""
    if before in ("typ", "type"):  # "diabetes typ 1"
        return
    if before in _ABOVE:  # "över 120" is more than 120
        low, high = low + 1, high + 1
    elif before in _BELOW:  # "under 90" is less than 90
        low, high = low - 1, high - 1
    measure = _nearest(words, i, low, decimal=decimal)
    if measure is None:
        return
    if measure is _SUGAR:
        if decimal or low >= 2:
            yield from _sugar(low, high, i)
    elif measure is _KETONES:
        if low >= _KETONES_HIGH:
            yield "high_ketones", i
    elif measure is _BLOOD_PRESSURE:
        yield from _blood_pressure(low, None, i)
    elif measure is _SATURATION:
        if high < 90:
            yield "low_oxygen", i
    elif high < 40:
        yield "slow_pulse", i
    elif low >= 120:
        yield "fast_pulse", i


def _sugar(low: float, high: float, i: int) -> Iterator[tuple[str, int]]:
    if high < 3.5:
        yield "low_blood_sugar", i
    elif low >= 20:
        yield "high_blood_sugar", i


def _nearest(words: tuple[str, ...], i: int, value: float, *, decimal: bool) -> Measure | None:
    """The measurement named nearest the number that such a value can be ("sat 96 och puls
    72": 72 is the pulse; "puls 32 på blodtrycksmätaren": 32 is no pressure). Only blood
    sugar and ketones are written with decimals."""
    options = [_SUGAR, _KETONES] if decimal else [
        _SUGAR, _KETONES, _SATURATION, _PULSE, _BLOOD_PRESSURE]
    near = [(d, k, m) for k, m in enumerate(options)
            if m.low <= value <= m.high and (d := _distance(words, i, m.prefixes)) is not None]
    return min(near)[2] if near else None


_TAKEN = frozenset(
    """tagit tog rakat rakade svalt svalde atit at ata sig saknas taken took swallowed ate eaten
    had missing blir totalt""".split()
)
_TABLETS = frozenset(
    """tabletter tablett tabl st stycken piller kapslar tablets tablet pills pill capsules
    alvedon panodil paracetamol pamol reliv treo magnecyl ipren ibuprofen vartabletter
    jarntabletter somntabletter somnmedel lugnande imovane zopiklon propavan stesolid sobril
    antidepressants antidepressiva sleeping painkillers
    oxascand xanor lyrica tramadol tradolan citodon panocod morfin oxykodon oxynorm citalopram
    sertralin amitriptylin saroten lergigan atarax theralen heminevrin""".split()
)
_GRAMS = frozenset({"g", "gram", "grams"})
_PARACETAMOL = ("alvedon", "panodil", "paracetamol", "pamol", "reliv", "tylenol", "acetaminophen")
# "tagit 10 tabletter på en vecka" is a week's doses, not one overdose.
_SPREAD = ("vecka", "veckan", "veckor", "manad", "manader", "week", "weeks", "month", "months")
_NUMBER_WORDS = {
    "tio": 10, "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40,
    "femtio": 50, "hundra": 100, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}


def amounts(words: tuple[str, ...]) -> Iterator[tuple[str, int, int]]:
    """("overdose", start, end) for an amount taken that is an overdose in itself."""
    paracetamol = any(w.startswith(_PARACETAMOL) for w in words)
    for i, w in enumerate(words):
        n = int(w) if w.isdigit() else _NUMBER_WORDS.get(w)
        if n is None or i + 1 >= len(words):
            continue
        unit = words[i + 1]
        if unit in ("av", "of") and i + 3 < len(words):  # "30 av mina sertralin", "30 of my"
            unit = words[i + 3]
        large = (unit in _TABLETS and n >= 10) or (unit in _GRAMS and n >= 6 and paracetamol)
        if not large or not any(t in _TAKEN for t in words[max(0, i - 15) : i]):
            continue
        if any(t in _SPREAD for t in words[i + 1 : i + 6]):
            continue
        yield "overdose", i, i + 2
