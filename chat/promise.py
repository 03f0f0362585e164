"""One promise: when a thread is due, counted in the unit's working hours.

The rule (the only one; chat/notifications/followup.py applies it):

- A thread waiting for an answer is due at the sooner of the care contact's promise and the
  urgency's (``URGENCY_HOURS``), both counted from the patient's message that started the wait.
- A promise under 24 hours counts *open* hours: the clock runs only while the unit is open
  (``brådskande``, 8 h, from Friday 16:00 with 08–17 is due Monday 15:00).
- A promise of 24 hours or more counts *working days*: ⌈hours / 24⌉ working days after the day
  the message came, due at that day's closing time (48 h from Friday 16:00 → Tuesday 17:00).
- ``akut`` (0 h) is due at once: the patient was told to call 112.
- Working days are days with opening hours that are not Swedish public holidays (the
  ``holidays`` library: public holidays and the de facto ones, midsommarafton, julafton and
  nyårsafton). Times are local to Europe/Stockholm, so daylight saving time is respected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The promised response time of each urgency, in hours (the routing's urgencies).
URGENCY_HOURS = {"akut": 0, "bradskande": 8, "snart": 72, "rutin": 24 * 7}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Looking further than this for an open hour means the unit is never open: count calendar time.
_SEARCH_DAYS = 400


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> frozenset[date]:
    days = holidays.country_holidays(
        "SE", years=year, categories=("public", "de_facto"), include_sundays=False
    )
    return frozenset(days.keys())


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours per weekday (0 = Monday), each a list of (opens, closes)."""

    week: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    closed_on_holidays: bool = True

    @classmethod
    def default(cls) -> OpeningHours:
        """Monday to Friday 08–17."""
        return cls({d: ((time(8), time(17)),) for d in range(5)})

    @classmethod
    def from_json(cls, periods: Iterable[Mapping[str, str]] | None) -> OpeningHours:
        """``[{"day": "mon", "opens": "08:00", "closes": "17:00"}, …]``; empty: the default."""
        rows = list(periods or [])
        if not rows:
            return cls.default()
        week: dict[int, list[tuple[time, time]]] = {}
        for row in rows:
            opens, closes = _hhmm(row["opens"]), _hhmm(row["closes"])
            if closes <= opens:
                raise ValueError("a period must close after it opens")
            week.setdefault(WEEKDAYS.index(row["day"]), []).append((opens, closes))
        return cls({d: tuple(sorted(p)) for d, p in week.items()})

    def to_json(self) -> list[dict[str, str]]:
        return [
            {"day": WEEKDAYS[d], "opens": o.strftime("%H:%M"), "closes": c.strftime("%H:%M")}
            for d in sorted(self.week)
            for o, c in self.week[d]
        ]

    def is_working_day(self, day: date) -> bool:
        if not self.week.get(day.weekday()):
            return False
        return not (self.closed_on_holidays and day in swedish_holidays(day.year))

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open periods of a local date, as aware datetimes."""
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, o, STOCKHOLM),
                datetime.combine(day, c, STOCKHOLM),
            )
            for o, c in self.week[day.weekday()]
        ]

    def add_open_time(self, start: datetime, amount: timedelta) -> datetime:
        """``start`` plus ``amount`` of time during which the unit is open."""
        left = amount
        local = start.astimezone(STOCKHOLM)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            for opens, closes in self.periods(day):
                begin = max(opens, local)
                if begin >= closes:
                    continue
                if begin + left <= closes:
                    return (begin + left).astimezone(UTC)
                left -= closes - begin
            day += timedelta(days=1)
        return (start + amount).astimezone(UTC)

    def close_of_working_day(self, start: datetime, n: int) -> datetime:
        """Closing time of the ``n``-th working day after the local date of ``start``."""
        day = start.astimezone(STOCKHOLM).date()
        found = 0
        for _ in range(_SEARCH_DAYS):
            day += timedelta(days=1)
            periods = self.periods(day)
            if periods:
                found += 1
                if found >= n:
                    return periods[-1][1].astimezone(UTC)
        return (start + timedelta(days=n)).astimezone(UTC)

    def open_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open time lies between two instants (for "overdue by")."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        day = start.astimezone(STOCKHOLM).date()
        last = end.astimezone(STOCKHOLM).date()
        while day <= last:
            for opens, closes in self.periods(day):
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


def deadline(start: datetime, hours: int, opening: OpeningHours) -> datetime:
    """When a promise of ``hours`` made at ``start`` falls due (see the module docstring)."""
    if hours <= 0:
        return start.astimezone(UTC)
    if hours < 24:
        return opening.add_open_time(start, timedelta(hours=hours))
    return opening.close_of_working_day(start, math.ceil(hours / 24))


def due_at(
    start: datetime,
    *,
    contact_hours: int | None,
    urgency: str | None,
    opening: OpeningHours,
) -> datetime | None:
    """The sooner of the care contact's promise and the urgency's; None when neither."""
    candidates: list[datetime] = []
    if contact_hours is not None:
        candidates.append(deadline(start, contact_hours, opening))
    if urgency in URGENCY_HOURS:
        candidates.append(deadline(start, URGENCY_HOURS[urgency], opening))
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class EscalationStep:
    """One step after the due time passes: ``target`` is ``coordinator``, ``team`` (the whole
    owning team), ``triage`` (the unit's triage team) or ``team:<key>`` (another team);
    ``after_minutes`` counts open minutes after the due time."""

    target: str
    after_minutes: int

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "after_minutes": self.after_minutes}


DEFAULT_ESCALATION: tuple[EscalationStep, ...] = (
    EscalationStep("coordinator", 0),
    EscalationStep("team", 120),
    EscalationStep("triage", 240),
)


def parse_steps(rows: Sequence[Mapping[str, object]] | None) -> tuple[EscalationStep, ...]:
    if rows is None:
        return DEFAULT_ESCALATION
    steps = []
    for row in rows:
        target = str(row["target"])
        if target not in ("coordinator", "team", "triage") and not target.startswith("team:"):
            raise ValueError("unknown escalation target")
        minutes = row.get("after_minutes", 0)
        if not isinstance(minutes, int) or minutes < 0:
            raise ValueError("after_minutes must be a whole number of minutes, 0 or more")
        steps.append(EscalationStep(target, minutes))
    if [s.after_minutes for s in steps] != sorted(s.after_minutes for s in steps):
        raise ValueError("steps must come in order of after_minutes")
    return tuple(steps)


def step_time(due: datetime, step: EscalationStep, opening: OpeningHours) -> datetime:
    if step.after_minutes == 0:
        return due
    return opening.add_open_time(due, timedelta(minutes=step.after_minutes))


def local_text(at: datetime) -> str:
    """``tisdag 1 december kl. 17:00`` (Swedish, Stockholm time) for system messages."""
    local = at.astimezone(STOCKHOLM)
    day = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")[local.weekday()]
    month = (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    )[local.month - 1]
    return f"{day} {local.day} {month} kl. {local:%H:%M}"
