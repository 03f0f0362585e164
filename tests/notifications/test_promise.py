"""chat/promise.py: one rule for the due time, counted in the unit's working hours over
weekends, Swedish public holidays and daylight saving time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from chat.promise import (
    STOCKHOLM,
    EscalationStep,
    OpeningHours,
    deadline,
    due_at,
    parse_steps,
    step_time,
    swedish_holidays,
)

DEFAULT = OpeningHours.default()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def as_local(at: datetime) -> datetime:
    return at.astimezone(STOCKHOLM)


def test_two_working_days_over_a_weekend():
    # Friday 4 December 2026, 16:00: the care contact's 48 h are Monday and Tuesday.
    due = due_at(local(2026, 12, 4, 16, 0), contact_hours=48, urgency=None, opening=DEFAULT)
    assert as_local(due) == local(2026, 12, 8, 17, 0)
    # Saturday and Sunday count from Monday as well.
    assert as_local(deadline(local(2026, 12, 5, 10, 0), 48, DEFAULT)) == local(2026, 12, 8, 17, 0)
    # Midweek after closing: the day itself does not count.
    assert as_local(deadline(local(2026, 12, 2, 18, 30), 48, DEFAULT)) == local(2026, 12, 4, 17, 0)


def test_open_hours_for_promises_under_a_day():
    # brådskande (8 h) on Friday 16:00: one hour on Friday, seven on Monday.
    due = due_at(
        local(2026, 12, 4, 16, 0), contact_hours=None, urgency="bradskande", opening=DEFAULT
    )
    assert as_local(due) == local(2026, 12, 7, 15, 0)
    # Started on a Saturday: the clock starts when the unit opens on Monday.
    assert as_local(deadline(local(2026, 12, 5, 10, 0), 8, DEFAULT)) == local(2026, 12, 7, 16, 0)
    # Before opening on a weekday: 08:00 + 8 h.
    assert as_local(deadline(local(2026, 12, 2, 6, 0), 8, DEFAULT)) == local(2026, 12, 2, 16, 0)


def test_swedish_holidays_are_not_working_days():
    # Maundy Thursday 25 March 2027: Good Friday (26) and Easter Monday (29) are holidays,
    # so two working days are Tuesday 30 and Wednesday 31 March.
    assert as_local(deadline(local(2027, 3, 25, 10, 0), 48, DEFAULT)) == local(2027, 3, 31, 17, 0)
    # 8 open hours from Thursday 15:00: two on Thursday, six on Tuesday after Easter.
    assert as_local(deadline(local(2027, 3, 25, 15, 0), 8, DEFAULT)) == local(2027, 3, 30, 14, 0)
    # Christmas: julafton (de facto), juldagen, annandag jul; then the weekend.
    assert as_local(deadline(local(2026, 12, 23, 12, 0), 24, DEFAULT)) == local(2026, 12, 28, 17, 0)
    # Midsommarafton, national day on a weekday, Ascension Day.
    days = swedish_holidays(2027)
    assert {local(2027, 6, 25).date(), local(2027, 5, 6).date(), local(2027, 1, 6).date()} <= days
    assert not DEFAULT.is_working_day(local(2027, 6, 25).date())
    assert DEFAULT.is_working_day(local(2027, 6, 24).date())


def test_the_sooner_promise_wins():
    start = local(2026, 12, 1, 9, 0)  # a Tuesday
    # A routine thread to a care contact who promises 2 days: 2 days, not 7.
    due = due_at(start, contact_hours=48, urgency="rutin", opening=DEFAULT)
    assert as_local(due) == local(2026, 12, 3, 17, 0)
    # brådskande beats a slower care contact.
    due = due_at(start, contact_hours=168, urgency="bradskande", opening=DEFAULT)
    assert as_local(due) == local(2026, 12, 1, 17, 0)
    # akut is due at once; nothing promised: no due time.
    assert due_at(start, contact_hours=48, urgency="akut", opening=DEFAULT) == start
    assert due_at(start, contact_hours=None, urgency=None, opening=DEFAULT) is None


def test_daylight_saving_time_is_local():
    # Summer time ends on Sunday 25 October 2026: Monday 15:00 is 14:00 UTC, Friday's 15:00
    # was 13:00 UTC.
    due = deadline(local(2026, 10, 23, 16, 0), 8, DEFAULT)
    assert as_local(due) == local(2026, 10, 26, 15, 0)
    assert due.utcoffset() == timedelta(0) and due.hour == 14


def test_unit_opening_hours_with_a_lunch_break_and_saturdays():
    hours = OpeningHours.from_json(
        [
            {"day": d, "opens": "08:00", "closes": "12:00"}
            for d in ("mon", "tue", "wed", "thu", "fri")
        ]
        + [
            {"day": d, "opens": "13:00", "closes": "17:00"}
            for d in ("mon", "tue", "wed", "thu", "fri")
        ]
        + [{"day": "sat", "opens": "10:00", "closes": "14:00"}]
    )
    # Monday 11:00 + 8 h: 1 h before lunch, 4 after, 3 on Tuesday morning.
    assert as_local(deadline(local(2026, 11, 30, 11, 0), 8, hours)) == local(2026, 12, 1, 11, 0)
    # Friday 16:00 + 8 h: 1 h Friday, 4 h Saturday, 3 h Monday.
    assert as_local(deadline(local(2026, 12, 4, 16, 0), 8, hours)) == local(2026, 12, 7, 11, 0)
    assert hours.to_json()[0] == {"day": "mon", "opens": "08:00", "closes": "12:00"}
    assert as_local(deadline(local(2026, 12, 4, 16, 0), 24, hours)) == local(2026, 12, 5, 14, 0)
    with pytest.raises(ValueError):
        OpeningHours.from_json([{"day": "mon", "opens": "17:00", "closes": "08:00"}])


def test_open_time_between_and_escalation_steps():
    assert DEFAULT.open_time_between(local(2026, 12, 4, 16, 0), local(2026, 12, 7, 10, 0)) == (
        timedelta(hours=3)
    )
    steps = parse_steps(
        [
            {"target": "coordinator", "after_minutes": 0},
            {"target": "team:rehab", "after_minutes": 90},
        ]
    )
    assert steps[1] == EscalationStep("team:rehab", 90)
    due = local(2026, 12, 4, 16, 30)
    assert step_time(due, steps[0], DEFAULT) == due
    assert as_local(step_time(due, steps[1], DEFAULT)) == local(2026, 12, 7, 9, 0)
    with pytest.raises(ValueError):
        parse_steps([{"target": "everyone"}])
    with pytest.raises(ValueError):
        parse_steps(
            [{"target": "team", "after_minutes": 60}, {"target": "triage", "after_minutes": 0}]
        )


def test_a_unit_that_is_never_open_counts_calendar_time():
    closed = OpeningHours({})
    start = local(2026, 12, 1, 9, 0)
    assert deadline(start, 8, closed) == start + timedelta(hours=8)
    assert time(8) < time(17)
