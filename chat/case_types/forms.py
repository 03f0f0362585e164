"""The form of a case type: typed fields, the server-side check of answers (a clear error per
field, nothing stored on error) and the readable summary staff see in the thread."""

from __future__ import annotations

import math
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from chat.errors import ErrorCode, NaraError

FieldType = Literal[
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "number",
    "date",
    "file",
]
TEXT_LIMITS = {"short_text": (200, 500), "long_text": (4000, 10_000)}  # (default, ceiling)
MAX_FIELDS = 30
MAX_FILES = 5
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Key
    label: Label


class FieldDef(BaseModel):
    """One component of the form. Only the attributes of its type may be set."""

    model_config = ConfigDict(extra="forbid")
    key: Key
    type: FieldType
    label: Label
    help: Annotated[str, StringConstraints(max_length=500)] = ""
    required: bool = False
    max_length: Annotated[int, Field(ge=1, le=10_000)] | None = None
    options: list[Option] | None = Field(default=None, max_length=20)
    min_selected: Annotated[int, Field(ge=0, le=20)] | None = None
    max_selected: Annotated[int, Field(ge=1, le=20)] | None = None
    unit: Annotated[str, StringConstraints(max_length=20)] | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    dates: Literal["any", "past", "future"] = "any"
    max_files: Annotated[int, Field(ge=1, le=MAX_FILES)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FieldDef:
        t = self.type
        if t in TEXT_LIMITS and (self.max_length or 0) > TEXT_LIMITS[t][1]:
            raise definition_error(
                "max_length_too_large", f"max_length of {t} is at most {TEXT_LIMITS[t][1]}"
            )
        if t not in TEXT_LIMITS and self.max_length is not None:
            raise definition_error("max_length_not_text", "max_length is only for text fields")
        choice = t in ("single_choice", "multiple_choice")
        if choice and self.options is None:
            raise definition_error("options_required", "options are required for choices")
        if not choice and self.options is not None:
            raise definition_error("options_not_choice", "options are only for choices")
        if self.options is not None:
            values = [o.value for o in self.options]
            if len(values) < 2:
                raise definition_error("options_too_few", "a choice needs at least two options")
            if len(set(values)) != len(values):
                raise definition_error("options_duplicate", "the options need different values")
        if t != "multiple_choice" and (self.min_selected or self.max_selected):
            raise definition_error(
                "selection_not_multiple",
                "min_selected and max_selected are only for multiple choice",
            )
        low, high = self.min_selected or 0, self.max_selected
        if high is not None and (high < low or high > len(self.options or [])):
            raise definition_error(
                "selection_range", "max_selected must lie between min_selected and the options"
            )
        if t != "number" and (self.unit or self.min is not None or self.max is not None):
            raise definition_error("number_only", "unit, min and max are only for numbers")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise definition_error("min_above_max", "min must not exceed max")
        if t != "file" and self.max_files is not None:
            raise definition_error("max_files_not_file", "max_files is only for file fields")
        if t == "file" and self.required:
            raise definition_error(
                "file_required", "a file field cannot be required (files are added to the thread)"
            )
        return self


def definition_error(code: str, message: str) -> PydanticCustomError:
    """A rule broken in a definition: the code reaches the client (details.errors[].code)."""
    return PydanticCustomError(code, message)


def check_fields(fields: list[FieldDef]) -> list[FieldDef]:
    """A form as a whole: at most MAX_FIELDS fields, keys unique, at most one file field."""
    if not fields:
        raise definition_error("no_fields", "a case type needs at least one field")
    if len(fields) > MAX_FIELDS:
        raise definition_error("too_many_fields", f"at most {MAX_FIELDS} fields")
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise definition_error("duplicate_keys", "field keys must be unique")
    if sum(f.type == "file" for f in fields) > 1:
        raise definition_error("one_file_field", "at most one file field")
    return fields


# -- answers ----------------------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate_answers(
    fields: list[FieldDef], answers: dict[str, Any], *, today: date, files_allowed: bool
) -> dict[str, Any]:
    """The cleaned answers, or NaraError with one entry per bad field (nothing is stored)."""
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    known = {f.key for f in fields}
    for key in sorted(set(answers) - known):
        errors.append(_err(key, "unknown_field", "this form has no such field"))
    for f in fields:
        raw = answers.get(f.key)
        if _empty(raw):
            if f.required:
                errors.append(_err(f.key, "required", "answer this question"))
            continue
        try:
            clean[f.key] = _check(f, raw, today, files_allowed)
        except _Problem as p:
            errors.append(_err(f.key, p.code, p.message))
    if errors:
        raise NaraError(
            ErrorCode.VALIDATION_FAILED,
            "the form has errors",
            reason="form_invalid",
            details={"errors": errors},
        )
    return clean


def _err(key: str, code: str, message: str) -> dict[str, str]:
    return {"field": key, "problem": code, "message": message}


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def _check(f: FieldDef, raw: Any, today: date, files_allowed: bool) -> Any:
    match f.type:
        case "short_text" | "long_text":
            return _text(f, raw)
        case "single_choice":
            values = {o.value for o in f.options or []}
            if not isinstance(raw, str) or raw not in values:
                raise _Problem("invalid_choice", "choose one of the options")
            return raw
        case "multiple_choice":
            return _choices(f, raw)
        case "yes_no":
            if not isinstance(raw, bool):
                raise _Problem("not_yes_no", "answer yes or no")
            return raw
        case "number":
            return _number(f, raw)
        case "date":
            return _date(f, raw, today)
        case _:
            return _files(f, raw, files_allowed)


def _text(f: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _Problem("not_text", "write text")
    text = raw.strip()
    if f.type == "short_text" and ("\n" in text or "\r" in text):
        raise _Problem("one_line", "write a single line")
    limit = f.max_length or TEXT_LIMITS[f.type][0]
    if len(text) > limit:
        raise _Problem("too_long", f"at most {limit} characters")
    return text


def _choices(f: FieldDef, raw: Any) -> list[str]:
    values = [o.value for o in f.options or []]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _Problem("invalid_choice", "choose among the options")
    if len(set(raw)) != len(raw) or not set(raw) <= set(values):
        raise _Problem("invalid_choice", "choose among the options, each once")
    low, high = f.min_selected or 0, f.max_selected or len(values)
    if not low <= len(raw) <= high:
        raise _Problem("selection_count", f"choose between {low} and {high} options")
    return [v for v in values if v in raw]  # in the form's order


def _number(f: FieldDef, raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise _Problem("not_a_number", "write a number")
    if f.integer and raw != int(raw):
        raise _Problem("not_an_integer", "write a whole number")
    if f.min is not None and raw < f.min:
        raise _Problem("too_small", f"at least {_num(f.min)}")
    if f.max is not None and raw > f.max:
        raise _Problem("too_large", f"at most {_num(f.max)}")
    return int(raw) if f.integer else raw


def _date(f: FieldDef, raw: Any, today: date) -> str:
    if not isinstance(raw, str) or len(raw) != 10:
        raise _Problem("not_a_date", "write a date as YYYY-MM-DD")
    try:
        value = date.fromisoformat(raw)
    except ValueError as exc:
        raise _Problem("not_a_date", "write a date as YYYY-MM-DD") from exc
    if f.dates == "past" and value > today:
        raise _Problem("date_in_future", "the date cannot be in the future")
    if f.dates == "future" and value < today:
        raise _Problem("date_in_past", "the date cannot be in the past")
    return value.isoformat()


def _files(f: FieldDef, raw: Any, files_allowed: bool) -> list[str]:
    if not files_allowed:
        raise _Problem("files_later", "add files to the thread once it is started")
    if not isinstance(raw, list):
        raise _Problem("not_files", "list the uploaded files")
    try:
        ids = [str(uuid.UUID(str(v))) for v in raw]
    except ValueError as exc:
        raise _Problem("not_files", "list the uploaded files") from exc
    if len(set(ids)) != len(ids):
        raise _Problem("duplicate_file", "each file once")
    if len(ids) > (f.max_files or MAX_FILES):
        raise _Problem("too_many_files", f"at most {f.max_files or MAX_FILES} files")
    return ids


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")


# -- the summary ------------------------------------------------------------------------------

MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()


def readable(f: FieldDef, value: Any) -> str:
    """One answer as staff read it (Swedish, like the form)."""
    match f.type:
        case "single_choice":
            return _option_labels(f).get(value, value)
        case "multiple_choice":
            labels = _option_labels(f)
            return ", ".join(labels.get(v, v) for v in value)
        case "yes_no":
            return "Ja" if value else "Nej"
        case "number":
            return f"{_num(value)} {f.unit}".strip() if f.unit else _num(value)
        case "date":
            d = date.fromisoformat(value)
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        case "file":
            return f"{len(value)} {'fil' if len(value) == 1 else 'filer'} bifogade"
        case _:
            return str(value)


def _option_labels(f: FieldDef) -> dict[str, str]:
    return {o.value: o.label for o in f.options or []}


def summary(name: str, fields: list[FieldDef], answers: dict[str, Any]) -> str:
    """The message that starts (or answers) the thread: every answered question in order."""
    lines = [name]
    for f in fields:
        if f.key not in answers:
            continue
        text = readable(f, answers[f.key])
        if f.type == "long_text" or "\n" in text:
            lines += ["", f"{f.label}", text]
        else:
            lines += ["", f"{f.label}: {text}"]
    return "\n".join(lines)[:10_000]


def summary_items(fields: list[FieldDef], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Question, readable answer and raw value, in the form's order (for the staff view)."""
    return [
        {
            "key": f.key,
            "type": f.type,
            "label": f.label,
            "answer": readable(f, answers[f.key]) if f.key in answers else None,
            "value": answers.get(f.key),
        }
        for f in fields
    ]


def file_ids(fields: list[FieldDef], answers: dict[str, Any]) -> tuple[uuid.UUID, ...]:
    return tuple(uuid.UUID(v) for f in fields if f.type == "file" for v in answers.get(f.key, []))


def parse_fields(raw: list[dict[str, Any]]) -> list[FieldDef]:
    return [FieldDef.model_validate(f) for f in raw]
