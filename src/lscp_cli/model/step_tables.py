"""Tables worked out from the step registry (steps.py), for the modules that read it.

steps.py declares each step; these say what the declarations add up to: the order rules
(`iter_orders`, for process/order.py), the fields that go with a step's date and the dates
that are not steps (`with_step`, `plans_and_dates`, `list_entry_dates`, for process/asof.py),
the fields a rule's duties rule out (`exclusions`, for process/duties.py), the steps that may
be planned (`planned_steps`), and the README's event table (`describe_steps`). Pure data, like
steps.py: every layer may read it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lscp_cli.base.records import dataclass, field
from lscp_cli.model.steps import EXCLUSION_WORDS, FACT_DATES, FACT_ORDER, STEPS, Step, steps_by_name


def date_field(name: str) -> str:
    """The date field of a step named `name`, or `name` itself when it is a field (a fact)."""
    step = steps_by_name().get(name)
    if step is None:
        return name
    if step.date is None:
        raise ValueError(f"step {name!r} has no date to be ordered by")
    return step.date


def owner_of(date_path: str) -> Step | None:
    """The first step whose date goes in `date_path` (a date two steps share is the first's)."""
    return next((step for step in STEPS if step.date == date_path), None)


def with_step() -> dict[str, tuple[str, ...]]:
    """Each step's date field, and the fields recorded with it (gone when the date is)."""
    found: dict[str, dict[str, None]] = {}
    for step in STEPS:
        if step.date is None or "[]" in step.date or step.repeats:
            continue
        extra = [f for f in step.fields if f != step.date and _same_place(f, step.date)]
        found.setdefault(step.date, {}).update(dict.fromkeys(_key(f) for f in extra))
    return {path: tuple(keys) for path, keys in found.items() if keys}


def plans_and_dates() -> frozenset[str]:
    """Dates that are not steps (asof.py): facts, plans, and dates an option gives."""
    found = {_asof_name(path) for path in FACT_DATES}
    for step in STEPS:
        if step.is_plan and step.date:
            found.add(_asof_name(step.date))
        found.update(_asof_name(f) for option, f in step.sets if option == "due")
    return frozenset(found)


def planned_steps() -> tuple[Step, ...]:
    """The steps that may be dated ahead: planned meetings and the publication date."""
    return tuple(step for step in STEPS if step.ahead)


def list_entry_dates() -> dict[str, str]:
    """A list whose entries are made by a step, and the key of the date it made them on."""
    found: dict[str, str] = {}
    for step in STEPS:
        if step.date and "[]." in step.date:
            name, key = step.date.split("[].", 1)
            found.setdefault(name, key)
    return found


def describe_steps() -> list[tuple[str, str, str]]:
    """(event, options, description) for each step: the README's event table."""
    return [(step.name, ", ".join("--" + o for o in step.options_taken), step.summary)
            for step in STEPS]


def iter_orders() -> Iterator[tuple[str, str, str, bool]]:
    """(earlier field, later field, rule in words, refuse) for every `after` of every step,
    in `STEPS` order, each pair of fields once, then the facts' orders (warnings)."""
    seen: set[tuple[str, str]] = set()
    for step in STEPS:
        for after in step.after:
            later = after.field or step.date
            if later is None:
                continue
            pair = (date_field(after.earlier), later)
            if pair not in seen:
                seen.add(pair)
                yield (*pair, after.rule, after.refuse)
    for earlier, later, rule in FACT_ORDER:
        yield earlier, later, rule, False


def _key(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _same_place(a: str, b: str) -> bool:
    return a.rpartition(".")[0] == b.rpartition(".")[0]


def _asof_name(path: str) -> str:
    """asof.py names a list entry's field by the list: `agencies.due`, `children.dob`."""
    return path.replace("[]", "")


@dataclass(frozen=True)
class Exclusion:
    """The fields a rule's `not_when` rules out with it ("table" for a whole table)."""

    rule: str
    needs: str
    paths: tuple[str, ...] = field(default=())


def exclusions() -> dict[str, Exclusion]:
    """For each rule steps are `excluded_with`, the fields ruled out: a whole table where
    every step writing to it is excluded by that rule, else the steps' own fields. Runs at
    every start: each step's tables are worked out once."""
    found: dict[str, Exclusion] = {}
    tables = {step.name: {f.split(".", 1)[0] for f in step.fields if "." in f} for step in STEPS}
    for rule, needs in EXCLUSION_WORDS.items():
        paths: list[str] = []
        for step in STEPS:
            if step.excluded_with != rule:
                continue
            for path in step.fields:
                table = path.split(".", 1)[0]
                whole = all(other.excluded_with == rule for other in STEPS
                            if table in tables[other.name])
                name = table if whole and "." in path else path
                if name not in paths:
                    paths.append(name)
        found[rule] = Exclusion(rule, needs, tuple(paths))
    return found
