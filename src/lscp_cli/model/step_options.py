"""`StepOptions`: the keyword arguments of `Casebook.record`, for mypy.

Apart from event_options.py because a TypedDict costs over a millisecond to make, and only
a type checker needs it: the library imports it under TYPE_CHECKING, so no command pays.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict


class StepOptions(TypedDict, total=False):
    """`EventOptions` as keyword arguments, so a script's `casebook.record(...,
    reference="SI-1")` is checked by mypy: the same names and types (tests keep them equal)."""

    reference: str | None
    agencies: tuple[str, ...]
    outcome: str | None
    author: str | None
    url: str | None
    reason: str | None
    new_reason: str | None
    letter_reason: str | None
    text: str | None
    owner: str | None
    due: date | None
    action: int | None
    channel: str | None
    note: str | None
    national_review: bool | None
    duplicate_of: str | None
    authority: str | None
    correct: bool
    force: bool
    reschedule: bool
    undo: bool
