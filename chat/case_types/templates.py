"""The national templates shipped as data (templates/*.json): units copy and edit them."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from chat.case_types.forms import FieldDef, Key, check_fields, definition_error
from chat.case_types.models import Audience

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Definition(BaseModel):
    """What a unit administrator writes (and a template holds): one version's content."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    audience: Audience = Audience.LISTED
    response_time_hours: Annotated[int, Field(ge=1, le=24 * 90)] = 48
    attachments_allowed: bool = False
    fields: Annotated[list[FieldDef], AfterValidator(check_fields)]

    @model_validator(mode="after")
    def _files_need_attachments(self) -> Definition:
        if any(f.type == "file" for f in self.fields) and not self.attachments_allowed:
            raise definition_error(
                "file_needs_attachments", "a file field needs attachments_allowed"
            )
        return self


class Template(Definition):
    key: Key


@functools.cache
def templates() -> dict[str, Template]:
    out = {}
    for path in sorted(TEMPLATE_DIR.glob("*.json")):
        t = Template.model_validate(json.loads(path.read_text(encoding="utf-8")))
        out[t.key] = t
    return out
