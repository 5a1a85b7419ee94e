"""The step registry (steps.py): each step declared once, and every part of lscp reading it.

These tests hold the declarations to the truth (a step writes only the fields it declares; the
steps it follows exist) and check that what is derived from them (record's events and help,
the README's event table, the order rules, the point-in-time view, the timeline, the planned
steps, the duty exclusions) covers every step.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import tomlkit

from conftest import CASE_TEXT
from lscp_cli.model.event_options import OPTIONS, EventOptions
from lscp_cli.model.events import EVENTS, apply_event
from lscp_cli.model.step_tables import describe_steps
from lscp_cli.model.steps import STEPS, steps_by_name
from lscp_cli.process import asof, duties, order, progress
from lscp_cli.process.ruleset import default_rules
from test_events import EVERY_EVENT

D = date


def test_every_step_is_declared_once_with_a_known_name() -> None:
    names = [step.name for step in STEPS]
    assert len(names) == len(set(names))
    assert list(EVENTS) == names
    for step in STEPS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", step.name), step.name
        assert step.summary and step.label, step.name
        assert set(step.options_taken) <= set(OPTIONS), step.name


def test_every_order_names_a_step_or_a_fact() -> None:
    names = steps_by_name()
    for step in STEPS:
        for after in step.after:
            assert after.earlier in names or after.earlier.startswith("incident."), (
                step.name, after.earlier)
            assert after.earlier not in names or names[after.earlier].date, after.earlier


def _declared(field: str) -> str:
    """A change's field as steps.py names it: `agencies[2].received` -> `agencies[].received`."""
    return re.sub(r"\[\d+\]", "[]", field)


@pytest.mark.parametrize(("event", "options", "before", "expected"), EVERY_EVENT,
                         ids=[row[0] for row in EVERY_EVENT])
def test_a_step_writes_only_the_fields_it_declares(event: str, options: dict[str, Any],
                                                  before: str, expected: dict[str, Any]) -> None:
    doc = tomlkit.parse(CASE_TEXT + before)
    if event == "reopened":
        doc["closed"] = D(2025, 1, 3)
    if event == "care-leaver-notified":
        doc["incident"]["type"] = "care-leaver-death"
    if event == "other-authority-notified":
        doc["incident"]["in_area"] = "elsewhere-in-england"
    step = steps_by_name()[event]
    written = set()
    for change in apply_event(doc, event, D(2025, 1, 6), EventOptions(**options)):
        if change.new is None:
            continue  # reopening removes `closed`, another step's field
        name = _declared(change.field)
        if isinstance(change.new, dict) and name.endswith("[]") and name.count("[]") == 1:
            written.update(f"{name}.{key}" for key in change.new)  # a new entry: its keys
        else:  # a value, or one more entry of a list the step declares (a progress note)
            written.add(name.removesuffix("[]"))
    assert written <= set(step.fields), written - set(step.fields)


def test_the_readme_table_lists_every_step_with_its_options() -> None:
    rows = describe_steps()
    assert [row[0] for row in rows] == list(EVENTS)
    assert dict((row[0], row[1]) for row in rows)["agency-requested"] == "--agency, --due"
    assert dict((row[0], row[2]) for row in rows)["rag-meeting"].startswith(
        "Review Advisory Group meeting")


def test_the_order_rules_come_from_the_steps() -> None:
    pairs = {(rule.earlier, rule.later) for rule in order.RULES}
    assert ("incident.aware", "notification.panel") in pairs
    assert ("agencies[].requested", "agencies[].due") in pairs
    assert ("rapid_review.decision_date", "rapid_review.submitted") in pairs
    declared = sum(len(step.after) for step in STEPS)
    # Two steps setting one date (the Panel / a care leaver's notification) share its rule.
    assert len([r for r in order.RULES if not r.earlier.startswith("incident.occurred")]) \
        == declared - 1


def test_the_point_in_time_view_comes_from_the_steps() -> None:
    assert asof.WITH_STEP["rapid_review.decision_date"] == ("decision", "national_review",
                                                            "decision_reasons")
    assert asof.WITH_STEP["notification.panel"] == ("panel_reference", "late_reason")
    assert {"cspr.publication_planned", "agencies.due", "actions.due",
            "incident.occurred", "children.date_of_birth"} == asof.NOT_STEPS
    assert asof.ENTRY_DATE == {"agencies": "requested", "actions": "added", "learning": "date",
                               "event_notes": "date", "progress": "date"}


def test_the_planned_steps_are_those_that_may_be_dated_ahead() -> None:
    assert progress.PLANNED == (("rapid_review", "meeting", "RAG meeting"),
                                ("cspr", "practitioner_events", "practitioner event"),
                                ("cspr", "publication_planned", "planned publication"))
    assert [name for name, spec in EVENTS.items() if spec.future_ok] == [
        "rag-meeting", "practitioner-event", "publication-planned"]


def test_the_duty_exclusions_come_from_the_steps() -> None:
    assert duties.EXCLUDES == {
        "rapid-review": (("rapid_review", "cspr"), "no Rapid Review"),
        "partners-notification": (("notification.partners",),
                                  "no report to the safeguarding partners"),
    }
    rules = {rule.id for rule in default_rules()}
    assert {step.excluded_with for step in STEPS if step.excluded_with} <= rules


# Every step recorded once, and the line the timeline gives it.
FULL = {
    "id": "LSCP-2025-001",
    "incident": {"type": "death", "aware": D(2025, 1, 3)},
    "notification": {"panel": D(2025, 1, 6), "panel_reference": "SI-1",
                     "partners": D(2025, 1, 6)},
    "agencies": [{"name": "Police", "requested": D(2025, 1, 6), "received": D(2025, 1, 10)}],
    "rapid_review": {"meeting": D(2025, 1, 20), "recommendation": "cspr", "decision": "cspr",
                     "decision_date": D(2025, 1, 22), "national_review": True,
                     "submitted": D(2025, 1, 24), "panel_response": D(2025, 2, 7),
                     "panel_response_note": "Agrees"},
    "cspr": {"commissioned": D(2025, 2, 10), "author": "A. Author",
             "family_informed": D(2025, 2, 12), "practitioner_events": [D(2025, 4, 3)],
             "draft_shared_with_family": D(2025, 6, 20), "publication_planned": D(2025, 7, 15),
             "sent_to_panel": D(2025, 7, 4), "published": D(2025, 7, 15),
             "improvements_published": D(2025, 7, 20), "nspcc_submitted": D(2025, 7, 16)},
    "actions": [{"text": "A", "added": D(2025, 8, 1), "completed": D(2025, 9, 1)}],
    "learning": [{"channel": "briefing", "date": D(2025, 8, 2)}],
    "withdrawn": D(2025, 10, 1), "withdrawn_reason": "a duplicate of LSCP-2025-002",
    "closed": D(2025, 11, 1), "reopened": D(2025, 11, 2),
}
LINES = {
    "panel-notified": "National Panel notified (reference SI-1)",
    "partners-notified": "Safeguarding partners notified",
    "agency-requested": "Information requested from Police",
    "agency-returned": "Information received from Police",
    "rag-meeting": "Review Advisory Group met",
    "recommendation": "RAG recommendation: a CSPR",
    "decision": "Executive decision: a CSPR; the partners think it may need a national review",
    "rapid-review-submitted": "Rapid Review submitted to the National Panel",
    "panel-response": "The Panel answered the Rapid Review: Agrees",
    "cspr-commissioned": "CSPR commissioned (author A. Author)",
    "family-informed": "Family informed of the review",
    "practitioner-event": "Practitioner event",
    "draft-shared-with-family": "Draft shared with the family",
    "publication-planned": "Publication planned for this date",
    "report-sent-to-panel": "Final report sent to the Panel and Secretary of State",
    "published": "CSPR published",
    "improvements-published": "Report withheld: information about the improvements published",
    "nspcc-submitted": "Submitted to the NSPCC repository",
    "action-completed": "Action 1 completed",
    "learning-shared": "Learning shared (briefing)",
    "withdrawn": "Withdrawn: a duplicate of LSCP-2025-002",  # the reason as typed
    "closed": "Case closed",
    "reopened": "Case reopened",
}


def test_the_timeline_words_every_step_as_declared() -> None:
    lines = [text for _, text in progress.timeline(FULL)]
    worded = {step.name for step in STEPS if step.past}
    # The care leaver's notification words the same date for a care leaver's death only; the
    # other authority's (a child harmed elsewhere in England) is in test_other_authority.py.
    assert worded - {"care-leaver-notified", "other-authority-notified"} == set(LINES)
    for event, text in LINES.items():
        assert text in lines, event
    care_leaver = {**FULL, "incident": {"type": "care-leaver-death", "aware": D(2025, 1, 3)}}
    lines = [text for _, text in progress.timeline(care_leaver)]
    assert "Secretary of State and Ofsted notified (online system) (reference SI-1)" in lines
    assert not any(line.startswith("National Panel notified") for line in lines)


def test_a_planned_step_is_worded_as_planned_until_its_day() -> None:
    lines = dict((text, when) for when, text in progress.timeline(FULL, D(2025, 1, 10)))
    assert "Review Advisory Group meeting (planned)" in lines
    assert "Practitioner event (planned)" in lines
    assert "Publication planned for this date" in lines  # a plan is always worded as one


def test_every_field_a_step_writes_is_in_the_case_schema() -> None:
    from lscp_cli.model import casefields

    for step in STEPS:
        for path in step.fields:
            place, _, key = path.rpartition(".")
            fields = (casefields.ARRAYS[place.removesuffix("[]")] if "[]" in place
                      else casefields.TABLES[place] if place else casefields.TOP_FIELDS)
            assert key in fields, (step.name, path)
    assert casefields.TABLES["rapid_review"]["decision"]("cspr") is None
    assert casefields.TABLES["rapid_review"]["decision"]("maybe") is not None


def test_a_step_is_named_by_the_enum_or_its_event_name() -> None:
    from lscp_cli.model.steps import Event

    assert [str(event) for event in Event] == [step.name for step in STEPS]
    for event in Event:
        assert event.name == event.step.name.upper().replace("-", "_")
        assert Event(event.step.name) is event
    with pytest.raises(ValueError):
        Event("lunch")


def test_the_typed_keywords_of_record_are_the_options() -> None:
    import typing

    from lscp_cli.base import records
    from lscp_cli.model.step_options import StepOptions

    fields = {f.name: f.type for f in records.fields(EventOptions) if f.name != "warnings"}
    hints = typing.get_type_hints(StepOptions)
    assert list(hints) == list(fields)


def test_the_rules_a_step_meets_come_from_its_fields() -> None:
    from lscp_cli.process.ruleset import rules_met

    met = {step.name: rules_met(step) for step in STEPS}
    assert met["rapid-review-submitted"] == ("rapid-review",)
    assert met["agency-returned"] == ("agency-return",)
    assert met["improvements-published"] == ("cspr-publication",)
    assert met["rag-meeting"] == ()
    # Every deadline rule is met by some step: no deadline can never be met.
    assert {rule.id for rule in default_rules()} == {r for ids in met.values() for r in ids}
