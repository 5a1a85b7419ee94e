"""The deadline rules as data: `rules.toml` read into `Rule`s, with a partnership's numbers.

The rules are read from `rules.toml` shipped beside this module (its opening comment says what
each field means); a partnership changes their numbers in `lscp.toml` `[rules]` (e.g.
`agency_return_days = 10`), never their logic. `load_rules(settings)` checks those numbers and
applies them. What the rules say about a case is `rules.py`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from lscp_cli.base import tomlread
from lscp_cli.base.records import dataclass, replace
from lscp_cli.errors import InvalidFile, Problem, SettingsError
from lscp_cli.model.steps import Step
from lscp_cli.process.settings import Settings

RULES_FILE = Path(__file__).parent / "rules.toml"
UNITS = ("working-days", "months")
CALENDARS = ("national", "local")


def plural(n: int, unit_words: str) -> str:
    """`1 working day`, `5 working days`."""
    return f"{n} {unit_words[:-1] if n == 1 else unit_words}"


class LabelFields(dict[str, Any]):
    """The fields a rule's label fills in (`{agency}`, `{action}`, `{text}`); "?" if missing."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class Rule:
    """One row of `rules.toml`; see the comment at its top for what each field means."""

    id: str
    label: str
    base: str
    base_label: str
    offset: int
    unit: str  # "working-days" | "months"
    direction: int  # +1 after the base date, -1 before it
    meets: tuple[str, ...]
    source: str
    applies_when: tuple[tuple[str, Any], ...] = ()
    each: str | None = None
    own_due: str | None = None
    provisional_base: str | None = None
    provisional_label: str | None = None
    fallback_base: str | None = None  # counted from this when `base` is not recorded
    fallback_label: str | None = None
    override: str | None = None
    limits: tuple[int, int] = (0, 0)
    # ((conditions, why), ...): the rule does not apply when all of a condition's fields hold
    not_when: tuple[tuple[tuple[tuple[str, Any], ...], str], ...] = ()
    unsettled: str = ""  # a point the sources leave open: said in every basis (--basis)
    # ((field, what it records), ...): once one is recorded, an unmet deadline is no longer
    # owed: its status is "lapsed", not overdue (an agency's return after the Rapid Review).
    lapses_when: tuple[tuple[str, str], ...] = ()
    # Whether a condition reads what the facts say about the duties ("duty.*",
    # model/ages.py duty_facts) rather than a field of the case file.
    uses_facts: bool = False
    # A national deadline's working days ignore the office closures (`[calendar] closed`);
    # a local one's (agency returns, actions) skip them too.
    national: bool = True

    @property
    def unit_words(self) -> str:
        return "months" if self.unit == "months" else "working days"

    @property
    def period(self) -> str:
        """The rule's number in words, as letters write it: `6 months`, `1 working day`."""
        return plural(self.offset, self.unit_words)

    @property
    def timing(self) -> str:
        """How the due date is counted, in words: `5 working days after`, `7 ... before`."""
        direction = "after" if self.direction > 0 else "before"
        return f"{plural(self.offset, self.unit_words)} {direction}"

    def describe(self) -> tuple[str, str]:
        """The rule for `lscp deadlines --help`: its label, and when it is due and why."""
        label = self.label.format_map(
            LabelFields(agency="each agency", action="N", text="its text")
        )
        when = f"on {self.base_label}" if self.offset == 0 else f"{self.timing} {self.base_label}"
        if self.own_due:
            when += " (or the due date given with it)"
        if self.fallback_base:
            when += f" (or, when that is not recorded, {self.fallback_label or self.fallback_base})"
        if self.provisional_base:
            provisional = self.provisional_label or self.provisional_base
            when += f" (until that is recorded, provisionally {self.timing} {provisional})"
        if self.applies_when:
            when += "; only when " + " and ".join(_said(k, v) for k, v in self.applies_when)
        if self.not_when:
            when += "; not when " + " or ".join(
                " and ".join(_said(k, v) for k, v in conditions)
                for conditions, _ in self.not_when
            )
        if self.override:
            when += f"; [rules] {self.override}"
        return label, when


# How `lscp deadlines --help` says a condition on what the facts say about the duties.
_FACT_WORDS = {
    ("duty.notifiable", False): "the recorded facts do not meet the notification criteria",
    ("duty.s16c", False): "it is not a serious child safeguarding incident (s16C(1))",
    ("duty.s16c", True): "it is a serious child safeguarding incident (s16C(1))",
}


def _said(key: str, value: Any) -> str:
    return _FACT_WORDS.get((key, value), f"{key} is {value}")


@cache
def default_rules() -> tuple[Rule, ...]:
    """The rules shipped in `rules.toml`, with their default numbers.

    Not what a case is judged by: that is the casebook's ruleset (`Casebook.rules`, built
    from these by `load_rules`), passed to whatever reads rules. The few places that read
    these are listed, with why, in tests/test_casebook_ruleset.py."""
    raw = tomlread.loads(RULES_FILE.read_text(encoding="utf-8"))  # tomli: ~10 ms less
    return tuple(_rule_from_data(entry) for entry in raw["rule"])


def case_milestones() -> dict[str, str]:
    """The milestones with one deadline per case (not per agency or action), id to label.

    In `rules.toml` order; letters name these deadlines, e.g. `deadlines.rapid_review`.
    """
    return {rule.id: rule.label for rule in default_rules() if rule.each is None}


def _rule_from_data(entry: Mapping[str, Any]) -> Rule:
    unit = entry.get("unit", "working-days")
    direction = entry.get("direction", "after")
    calendar = entry.get("calendar", "national")
    if unit not in UNITS or direction not in ("after", "before") or calendar not in CALENDARS:
        raise ValueError(f"rules.toml: rule {entry.get('id')!r} has a bad unit, direction "
                         "or calendar")
    limits = entry.get("limits", [entry["offset"], entry["offset"]])
    return Rule(
        id=entry["id"],
        label=entry["label"],
        base=entry["base"],
        base_label=entry["base_label"],
        offset=int(entry["offset"]),
        unit=unit,
        direction=1 if direction == "after" else -1,
        meets=tuple(entry["meets"]),
        source=entry["source"],
        applies_when=tuple(sorted(entry.get("applies_when", {}).items())),
        not_when=tuple((tuple(sorted(item["when"].items())), item["why"])
                       for item in entry.get("not_when", [])),
        unsettled=entry.get("unsettled", ""),
        each=entry.get("each"),
        own_due=entry.get("own_due"),
        provisional_base=entry.get("provisional_base"),
        provisional_label=entry.get("provisional_label"),
        fallback_base=entry.get("fallback_base"),
        fallback_label=entry.get("fallback_label"),
        override=entry.get("override"),
        limits=(int(limits[0]), int(limits[1])),
        national=calendar == "national",
        uses_facts=any(key.startswith("duty.") for key in (
            *entry.get("applies_when", {}),
            *(key for item in entry.get("not_when", []) for key in item["when"]))),
        lapses_when=tuple((item["field"], item["why"]) for item in entry.get("lapses_when", [])),
    )


def override_keys() -> dict[str, Rule]:
    """The `lscp.toml` `[rules]` keys a partnership may set, and the rule each one changes."""
    return {rule.override: rule for rule in default_rules() if rule.override}


def check_overrides(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each bad key or value of `lscp.toml` `[rules]`, with a message saying what to write."""
    known = override_keys()
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        rule = known.get(key)
        if rule is None:
            import difflib  # only for a mistyped key

            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    key,
                    f"unknown rule setting {key!r}; {hint}the settings are: "
                    + ", ".join(sorted(known)),
                )
            )
            continue
        low, high = rule.limits
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            national = (f"; {plural(high, rule.unit_words)} is the national limit, so a "
                        "partnership may set a shorter timescale, never a longer one"
                        if rule.national and high == rule.offset else "")
            problems.append(
                (
                    key,
                    f"'{key}' must be a whole number of {rule.unit_words} from {low} to "
                    f"{high} (got {value!r}){national}; e.g. {key} = {rule.offset}",
                )
            )
    return problems


def load_rules(overrides: Settings | Mapping[str, Any] | None = None) -> list[Rule]:
    """The shipped rules with the partnership's numbers from `lscp.toml` `[rules]`.

    Given the casebook's `Settings`, a bad key or number is an `InvalidFile` naming lscp.toml
    and the line; given a plain mapping, a `SettingsError`.
    """
    if isinstance(overrides, Settings):
        settings = overrides
        overrides = settings.rules
        where = settings.path or Path("lscp.toml")
        problems = [
            Problem(where, settings.rule_lines.get(key), message, f"rules.{key}")
            for key, message in check_overrides(overrides)
        ]
        if problems:
            raise InvalidFile(where, problems)
    overrides = dict(overrides or {})
    problems_text = [message for _, message in check_overrides(overrides)]
    if problems_text:
        raise SettingsError("lscp.toml [rules]: " + "; ".join(problems_text))
    return [
        replace(rule, offset=overrides[rule.override]) if rule.override in overrides else rule
        for rule in default_rules()
    ]




def rules_met(step: Step) -> tuple[str, ...]:
    """The ids of the rules a step meets (the shipped rules: a casebook's `[rules]` change
    periods, never which field meets which rule)."""
    return tuple(rule.id for rule in rules_meeting(step, default_rules()))


def rules_meeting(step: Step, rules: Sequence[Rule]) -> list[Rule]:
    """The rules a step meets: those whose `meets` names a field it writes (a rule per agency
    or action names its entry's field: `agencies[].received`)."""
    fields = set(step.fields)
    return [rule for rule in rules
            if any((f"{rule.each}[].{met}" if rule.each else met) in fields
                   for met in rule.meets)]
