"""The stage a case is at (`progress.stage_of`) comes from the step registry: each step's own
words (steps.py `awaiting`, `reached`, `ends`), declared once, and nowhere in code.

The wording itself is held by the tests of `show`, `list` and the board; these check that it
is the registry's: each stage a case can be at is one step's words (or one of the two stages
no step has), and no module but steps.py types a stage's words.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

import pytest

import lscp_cli
from conftest import case_text
from lscp_cli.model.steps import (
    EXCLUSION_WORDS,
    LAST_STAGE,
    NOT_NOTIFIABLE_STAGE,
    STEPS,
    Event,
)
from lscp_cli.process.progress import stage_of
from lscp_cli.process.ruleset import default_rules

BASE = case_text("minimal").replace('type = "death"',
                                   'type = "serious-harm"\nabuse_or_neglect = "suspected"')
NOTIFIED = BASE + "[notification]\npanel = 2025-01-06\n"
SUBMITTED_CSPR = NOTIFIED + ("[rapid_review]\nmeeting = 2025-01-10\ndecision = \"cspr\"\n"
                             "decision_date = 2025-01-13\nsubmitted = 2025-01-20\n")
COMMISSIONED = SUBMITTED_CSPR + "[cspr]\ncommissioned = 2025-02-03\n"
OPEN_ACTION = '[[actions]]\ntext = "t"\ndue = 2025-06-01\n'

# (case file, the step whose words it is at, which of its words)
AT: list[tuple[str, Event | None, str]] = [
    (BASE, Event.PANEL_NOTIFIED, "awaiting"),
    (BASE.replace("serious-harm", "care-leaver-death"), Event.CARE_LEAVER_NOTIFIED,
     "awaiting"),
    (NOTIFIED, Event.RAPID_REVIEW_SUBMITTED, "awaiting"),
    (NOTIFIED + "[rapid_review]\nmeeting = 2025-01-10\n", Event.RAG_MEETING, "reached"),
    (NOTIFIED + "[rapid_review]\nrecommendation = \"cspr\"\n", Event.RECOMMENDATION,
     "reached"),
    (NOTIFIED + "[rapid_review]\nmeeting = 2025-01-10\ndecision = \"no-cspr\"\n"
     "decision_date = 2025-01-13\n", Event.DECISION, "reached"),
    (SUBMITTED_CSPR, Event.CSPR_COMMISSIONED, "awaiting"),
    (COMMISSIONED, Event.PUBLISHED, "awaiting"),
    (COMMISSIONED + 'not_published_reason = "x"\n', Event.NOT_PUBLISHED, "reached"),
    (COMMISSIONED + "published = 2025-09-01\n" + OPEN_ACTION, Event.ACTION_COMPLETED,
     "awaiting"),
    (COMMISSIONED + "improvements_published = 2025-09-01\n", None, LAST_STAGE),
    (SUBMITTED_CSPR.replace('"cspr"', '"no-cspr"'), None, LAST_STAGE),
    (BASE + "closed = 2025-12-01\n", Event.CLOSED, "ends"),
    (BASE + "withdrawn = 2025-01-04\n", Event.WITHDRAWN, "ends"),
    (BASE.replace('"suspected"', '"not-suspected"'), None, NOT_NOTIFIABLE_STAGE),
]


def _top(text: str, extra: str) -> dict[str, Any]:
    """`text` with top-level keys `extra` put before its first table."""
    head, _, rest = text.partition("[incident]")
    return tomllib.loads(head + extra + "[incident]" + rest)


@pytest.mark.parametrize(("text", "event", "words"), AT, ids=[
    f"{e}-{w}" if e else w for _, e, w in AT])
def test_each_stage_is_one_steps_words(text: str, event: Event | None, words: str) -> None:
    if text.endswith(("closed = 2025-12-01\n", "withdrawn = 2025-01-04\n")):
        line = text.splitlines()[-1] + "\n"
        data = _top(text.removesuffix(line), line)
    else:
        data = tomllib.loads(text)
    expected = getattr(event.step, words) if event is not None else words
    assert expected and stage_of(data, default_rules()) == expected


def test_a_withdrawal_says_its_reason_as_typed() -> None:
    data = _top(BASE, 'withdrawn = 2025-01-04\nwithdrawn_reason = "a  duplicate\\nof X"\n')
    assert stage_of(data, default_rules()) == f"{Event.WITHDRAWN.step.ends}: a duplicate of X"


def test_a_milestone_the_duties_rule_out_ends_with_what_the_case_needs() -> None:
    """A looked-after child's death, abuse or neglect not suspected: notified only."""
    data = tomllib.loads(NOTIFIED.replace('"suspected"', '"not-suspected"').replace(
        "serious-harm", "death").replace('"D.E."', '"D.E."\nlooked_after = true'))
    expected = f"{Event.PANEL_NOTIFIED.step.reached} ({EXCLUSION_WORDS['rapid-review']})"
    assert expected == "notified (no Rapid Review)"
    assert stage_of(data, default_rules()) == expected


def _stage_words() -> set[str]:
    words = {LAST_STAGE, NOT_NOTIFIABLE_STAGE}
    for step in STEPS:
        words.update(w for w in (step.awaiting, step.reached, step.ends) if w)
    return words - {"closed", "withdrawn", "notified"}  # common words, also said elsewhere


def test_no_module_but_the_registry_types_a_stage() -> None:
    """A stage typed in code (`return "CSPR: to commission"`) is a second copy of a step's
    words: it goes in steps.py, with the step."""
    src = Path(lscp_cli.__file__).parent
    typed = []
    for path in sorted(src.rglob("*.py")):
        if path.name == "steps.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in _stage_words():
                typed.append(f"{path.relative_to(src)}:{node.lineno} {node.value!r}")
    assert typed == []
