"""Steps a case's duties exclude: recorded by mistake, they are refused (`record`) or reported
(`check`), never kept silently.

The rules say which steps a case's facts rule out (`rules.toml` `not_when`, with what the
facts say about the duties from model/ages.py): a looked-after child's death with abuse or
neglect not known or suspected, and a care leaver's death (unless the care leaver was under 18
and abuse or neglect is known or suspected: then it is a s16C(1) incident too), are notified
only (no Rapid Review, so no RAG meeting, decision, submission or CSPR); a care leaver's death
is not reported to the safeguarding partners; a case whose recorded facts meet no notification
criteria takes none of them. `excluded_steps` names each such step recorded in a case, with
the reason and what the partners may still do (a local review: `decision --outcome
other-review`), never a suggestion to change the facts. Messages name fields and fixed text,
never free text from the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.errors import said
from lscp_cli.model.step_tables import exclusions
from lscp_cli.process.rules import applies, not_applicable
from lscp_cli.process.ruleset import Rule

# The rule a case's facts may rule out -> the fields that record its steps ("table" for every
# field of a table), and the step in words: from each step's `excluded_with` (steps.py).
EXCLUDES: dict[str, tuple[tuple[str, ...], str]] = {
    rule: (exclusion.paths, exclusion.needs) for rule, exclusion in exclusions().items()
}
# What the partners may still do where a rule's duty is ruled out; never "change the facts":
# the facts are what happened, and a refusal must not invite editing them to get past it.
FORWARD = {
    "rapid-review": "The partners may still commission a local review where no duty requires "
                    "one: record it with " + said(
                        "`lscp record {case} decision --outcome other-review`",
                        'the decision, outcome="other-review"'),
}
# A local review the partners choose (no Rapid Review): the decision and its date are kept.
OTHER_REVIEW = (("rapid_review", "decision"), ("rapid_review", "decision_date"),
                ("rapid_review", "national_review"))


@dataclass(frozen=True)
class Excluded:
    """One step recorded that the case's duties exclude."""

    keys: tuple[str, ...]
    needs: str  # "no Rapid Review"
    why: str
    forward: str  # the way forward, for `record` and `check`

    @property
    def message(self) -> str:
        return (f"'{'.'.join(self.keys)}' is recorded, but this case needs {self.needs}: "
                f"{self.why}." + (f" {self.forward}" if self.forward else ""))


def _recorded(data: Mapping[str, Any], path: str) -> Iterator[tuple[str, ...]]:
    table, _, field = path.partition(".")
    values = data.get(table)
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        if (not field or key == field) and value not in (None, "", [], {}):
            yield table, key


def _other_review(data: Mapping[str, Any]) -> bool:
    rapid = data.get("rapid_review")
    return isinstance(rapid, dict) and rapid.get("decision") == "other-review"


def excluded_steps(data: Mapping[str, Any], rules: Sequence[Rule]) -> list[Excluded]:
    """Every step recorded in `data` (a parsed case) that its duties under the casebook's
    `rules` exclude; a decision to hold a local review (`other-review`) is the partners'
    choice, never excluded."""
    found: list[Excluded] = []
    case_id = str(data.get("id") or "ID")
    allowed = OTHER_REVIEW if _other_review(data) else ()
    for rule, why in not_applicable(data, [rule for rule in rules if rule.id in EXCLUDES]):
        paths, needs = EXCLUDES[rule.id]
        forward = FORWARD.get(rule.id, "").format(case=case_id)
        for path in paths:
            found.extend(Excluded(keys, needs, why, forward) for keys in _recorded(data, path)
                         if keys not in allowed)
    return found


def newly_excluded(before: Mapping[str, Any], after: Mapping[str, Any],
                   rules: Sequence[Rule]) -> str | None:
    """Why a step just recorded (in `after`, not `before`) is excluded, with the way forward."""
    old = {step.keys for step in excluded_steps(before, rules)}
    new = [step for step in excluded_steps(after, rules) if step.keys not in old]
    if not new:
        return None
    step = new[0]
    return (f"this case needs {step.needs}, so '{'.'.join(step.keys)}' is not recorded: "
            f"{step.why}." + (f" {step.forward}" if step.forward else ""))


def duty_applies(data: Mapping[str, Any], rule_id: str, rules: Sequence[Rule]) -> bool:
    """Whether the deadline rule `rule_id` of the casebook's `rules` applies to the case's
    facts (a step that only such cases take, e.g. the Panel notification, is needed only
    then); a rule the casebook does not have rules nothing out."""
    rule = next((rule for rule in rules if rule.id == rule_id), None)
    return rule is None or applies(rule, data)
