"""Every `lscp record` event on a case document: what it writes, its options, its refusals.

Pure domain tests: a tomlkit document in, changes out, no files and no command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from conftest import CASE_TEXT
from lscp_cli.base import records
from lscp_cli.base.audit import Change
from lscp_cli.errors import InvalidEvent
from lscp_cli.model.event_options import OPTIONS, EventOptions
from lscp_cli.model.events import EVENTS, apply_event, check_options
from lscp_cli.model.steps import OUTCOMES
from lscp_cli.process import casecheck
from lscp_cli.process.ruleset import default_rules

# Every check of a case file, under the shipped rules (storage reads each through this).
parse_case = partial(casecheck.parse_case, rules=default_rules())

D = date
WHEN = D(2025, 1, 6)


@contextmanager
def refused_as(message: str) -> Iterator[None]:
    """An `InvalidEvent` whose command-line words (`--agency NAME`) match `message`; its own
    words, which a script calling the library reads, name no command-line flag."""
    with pytest.raises(InvalidEvent) as caught:
        yield
    assert re.search(message, caught.value.command_line()), caught.value.command_line()
    assert not re.search(r"(^|[\s(`])--[a-z]", str(caught.value)), str(caught.value)


def document(extra: str = "") -> Any:
    return tomlkit.parse(CASE_TEXT + extra)


def record(doc: Any, event: str, when: date = WHEN, **options: Any) -> list[Change]:
    return apply_event(doc, event, when, EventOptions(**options))


def fields(changes: list[Change]) -> dict[str, Any]:
    return {change.field: change.new for change in changes}


def still_valid(doc: Any) -> None:
    """What an event writes is a case file that `parse_case` accepts."""
    case = parse_case(tomlkit.dumps(doc), Path("LSCP-2025-001.toml"), expected_id="LSCP-2025-001")
    assert case.id == "LSCP-2025-001"


# Every event: its options, what it changes, starting from the intake case (plus `before`).
EVERY_EVENT: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("panel-notified", {"reference": " SI-9 "}, "",
     {"notification.panel": WHEN, "notification.panel_reference": "SI-9"}),
    ("other-authority-notified", {"authority": " Bradford Council", "reference": "SI-7"}, "",
     {"notification.other_authority_notified": WHEN,
      "notification.other_authority": "Bradford Council",
      "notification.other_authority_reference": "SI-7"}),
    ("care-leaver-notified", {"reference": "N-1"}, "",
     {"notification.panel": WHEN, "notification.panel_reference": "N-1"}),
    ("partners-notified", {}, "", {"notification.partners": WHEN}),
    ("agency-requested", {"agencies": ("Police", "  Leeds   Health "), "due": D(2025, 1, 13)},
     "", {"agencies[1]": {"name": "Police", "requested": WHEN, "due": D(2025, 1, 13)},
          "agencies[2]": {"name": "Leeds Health", "requested": WHEN, "due": D(2025, 1, 13)}}),
    ("agency-returned", {"agencies": ("Police",)},
     '\n[[agencies]]\nname = "Police"\nrequested = 2025-01-03\n',
     {"agencies[1].received": WHEN}),
    ("rag-meeting", {}, "", {"rapid_review.meeting": WHEN}),
    ("recommendation", {"outcome": "cspr"}, "",
     {"rapid_review.recommendation": "cspr", "rapid_review.meeting": WHEN}),
    ("decision", {"outcome": "no-cspr", "text": " Learning already held "}, "",
     {"rapid_review.decision": "no-cspr", "rapid_review.decision_date": WHEN,
      "rapid_review.decision_reasons": "Learning already held"}),
    ("rr-learning", {"text": " Fathers  not seen "}, "",
     {"rapid_review.learning": ["Fathers not seen"]}),
    ("immediate-action", {"text": "Protocol re-issued"}, "",
     {"rapid_review.immediate_actions": ["Protocol re-issued"]}),
    ("rapid-review-submitted", {}, "", {"rapid_review.submitted": WHEN}),
    ("panel-response", {"note": " Agrees with the decision "}, "",
     {"rapid_review.panel_response": WHEN, "rapid_review.panel_response_note":
      "Agrees with the decision"}),
    ("cspr-commissioned", {"author": " A. Author "}, "",
     {"cspr.commissioned": WHEN, "cspr.author": "A. Author"}),
    ("family-informed", {}, "", {"cspr.family_informed": WHEN}),
    ("practitioner-event", {}, "", {"cspr.practitioner_events": [WHEN]}),
    ("draft-shared-with-family", {}, "", {"cspr.draft_shared_with_family": WHEN}),
    ("publication-planned", {}, "", {"cspr.publication_planned": WHEN}),
    ("report-sent-to-panel", {}, "", {"cspr.sent_to_panel": WHEN}),
    ("published", {"url": "https://example.org/cspr"}, "",
     {"cspr.published": WHEN, "cspr.published_url": "https://example.org/cspr"}),
    ("not-published", {"reason": " Fictional risk "}, "",
     {"cspr.not_published_reason": "Fictional risk"}),
    ("improvements-published", {"url": "https://example.org/improvements"}, "",
     {"cspr.improvements_published": WHEN,
      "cspr.improvements_url": "https://example.org/improvements"}),
    ("nspcc-submitted", {}, "", {"cspr.nspcc_submitted": WHEN}),
    ("action-added", {"text": " Refresh training ", "owner": "LSCP", "due": D(2025, 10, 31)},
     "", {"actions[1]": {"text": "Refresh training", "added": WHEN, "owner": "LSCP",
                         "due": D(2025, 10, 31)}}),
    ("action-completed", {"action": 1}, '\n[[actions]]\ntext = "A"\n',
     {"actions[1].completed": WHEN}),
    ("action-progress", {"action": 1, "note": " dates   set "}, '\n[[actions]]\ntext = "A"\n',
     {"actions[1].progress[1]": {"date": WHEN, "note": "dates set"}}),
    ("learning-shared", {"channel": "briefing", "note": "to GPs"}, "",
     {"learning[1]": {"channel": "briefing", "date": WHEN, "note": "to GPs"}}),
    ("withdrawn", {"reason": " accidental   injury "}, "",
     {"withdrawn": WHEN, "withdrawn_reason": "accidental injury"}),
    ("closed", {}, "", {"closed": WHEN}),
    ("reopened", {"reason": "new information"}, "",  # the test closes the case first
     {"closed": None, "reopened": WHEN, "reopened_reason": "new information"}),
]


def test_the_table_covers_every_event() -> None:
    assert [row[0] for row in EVERY_EVENT] == list(EVENTS)


@pytest.mark.parametrize(("event", "options", "before", "expected"), EVERY_EVENT,
                         ids=[row[0] for row in EVERY_EVENT])
def test_every_event(event: str, options: dict[str, Any], before: str,
                     expected: dict[str, Any]) -> None:
    doc = document(before)
    if event == "reopened":
        doc["closed"] = D(2025, 1, 3)
    if event == "care-leaver-notified":  # only for a care leaver's death, aged 16 to 24
        doc["incident"]["type"] = "care-leaver-death"
        doc["children"][0]["date_of_birth"] = D(2004, 4, 2)
    if event == "other-authority-notified":  # only for a child harmed elsewhere in England
        doc["incident"]["in_area"] = "elsewhere-in-england"
    assert fields(record(doc, event, **options)) == expected
    still_valid(doc)
    # Comments and layout kept; top-level keys (`closed`) go before the first section.
    top_level = re.compile(r"^(closed|withdrawn|withdrawn_reason|reopened|reopened_reason) = "
                           r".*\n", re.MULTILINE)
    start = (CASE_TEXT.replace('"serious-harm"', '"care-leaver-death"')
             .replace("date_of_birth = 2024-04-02", "date_of_birth = 2004-04-02")
             if event == "care-leaver-notified"
             else CASE_TEXT.replace("in_area = true", 'in_area = "elsewhere-in-england"')
             if event == "other-authority-notified" else CASE_TEXT)
    assert top_level.sub("", tomlkit.dumps(doc)).startswith(start)
    # The same step again changes nothing (lists of new entries aside: each is a new one).
    if event == "reopened":  # a second time: it is no longer closed
        with pytest.raises(InvalidEvent, match="the case is not closed"):
            record(doc, event, **options)
    elif not any(key.endswith("]") for key in expected):
        assert record(doc, event, **options) == []


def test_every_event_declares_options_that_exist() -> None:
    option_fields = {f.name for f in records.fields(EventOptions)}
    for spec in EVENTS.values():
        assert set(spec.options) <= set(OPTIONS), spec.name
        for name in spec.options:
            assert f"--{name}" in spec.help
    for option in OPTIONS.values():
        assert option.field in option_fields
        # --correct, --reschedule, --undo go with every event (check_options), the rest with
        # the events named.
        assert option.name in ("correct", "reschedule", "undo") or any(
            option.name in spec.options for spec in EVENTS.values()), option.name
    assert OPTIONS["outcome"].choices == OUTCOMES


@pytest.mark.parametrize(
    ("event", "options", "message"),
    [
        ("closed", {"url": "x"}, "closed does not use --url; it takes --force"),
        ("rag-meeting", {"author": "x"}, "rag-meeting does not use --author; it takes no options"),
        ("panel-notified", {"agencies": ("Police",)},
         "panel-notified does not use --agency; it takes --reference"),
        ("action-added", {"text": "A", "url": "https://x", "reason": "r"},
         "action-added does not use --url, --reason; it takes --text, --owner, --due"),
    ],
)
def test_options_an_event_does_not_take_are_refused(event: str, options: dict[str, Any],
                                                    message: str) -> None:
    doc = document()
    with refused_as(message):
        check_options(event, EventOptions(**options))
    with refused_as(message):
        record(doc, event, **options)
    assert tomlkit.dumps(doc) == CASE_TEXT


@pytest.mark.parametrize(
    ("event", "options", "before", "message"),
    [
        ("agency-requested", {}, "", "agency-requested needs --agency NAME"),
        ("agency-requested", {"agencies": ("  ",)}, "", "needs --agency NAME"),
        ("agency-returned", {"agencies": ("Police",)}, "",
         "no agency named 'Police' has been asked .* \\(known: none yet\\)"),
        ("agency-returned", {"agencies": ("Health",)},
         '\n[[agencies]]\nname = "Police"\n', "known: Police"),
        ("recommendation", {}, "", "recommendation needs --outcome, one of cspr, no-cspr"),
        ("decision", {"outcome": "maybe"}, "", "decision needs --outcome"),
        ("published", {"url": "example.org"}, "", "--url must start with https://"),
        ("not-published", {"reason": "  "}, "", "not-published needs --reason"),
        ("action-added", {"owner": "LSCP"}, "", "action-added needs --text"),
        ("action-completed", {}, "", "action-completed needs --action N"),
        ("action-completed", {"action": 2}, '\n[[actions]]\ntext = "A"\n',
         "there is no action 2 in this case \\(it has 1\\)"),
        ("action-completed", {"action": 0}, '\n[[actions]]\ntext = "A"\n', "no action 0"),
        ("action-progress", {"action": 1}, '\n[[actions]]\ntext = "A"\n',
         "action-progress needs --note"),
        ("learning-shared", {"note": "x"}, "", "learning-shared needs --channel"),
        ("partners-notified", {}, 'notification = 5\n',
         "'notification' in the case file is not a table"),
        ("agency-requested", {"agencies": ("Police",)}, 'agencies = 5\n',
         "'agencies' in the case file is not a list of \\[\\[agencies\\]\\] sections"),
        ("lunch", {}, "", "unknown event 'lunch'"),
    ],
)
def test_refusals_say_what_to_do_and_change_nothing(event: str, options: dict[str, Any],
                                                     before: str, message: str) -> None:
    text = CASE_TEXT + before
    if before.startswith(("notification =", "agencies =")):
        text = before + CASE_TEXT  # a top-level key must come before the first table
    doc = tomlkit.parse(text)
    with refused_as(message):
        record(doc, event, **options)
    assert tomlkit.dumps(doc) == text


def test_agency_names_match_whatever_the_case_and_spacing() -> None:
    doc = document('\n[[agencies]]\nname = "West Yorkshire Police"\nrequested = 2025-01-03\n')
    changes = record(doc, "agency-returned", agencies=("  west YORKSHIRE   police ",))
    assert changes == [Change("agencies[1].received", None, WHEN)]
    # Asking again under another spelling updates the same entry, not a second one.
    changes = record(doc, "agency-requested", D(2025, 1, 7), agencies=("WEST yorkshire police",))
    assert changes == [Change("agencies[1].requested", D(2025, 1, 3), D(2025, 1, 7))]
    assert len(doc["agencies"]) == 1
    assert doc["agencies"][0]["name"] == "West Yorkshire Police"


def test_warnings_for_what_an_officer_should_check() -> None:
    doc = document('\n[rapid_review]\nrecommendation = "cspr"\n')
    options = EventOptions(outcome="no-cspr")
    apply_event(doc, "decision", WHEN, options)
    assert options.warnings == [
        "the Executive's decision (no-cspr) differs from the RAG recommendation (cspr); "
        "make sure the reasons are minuted"
    ]
    options = EventOptions(text="No date")
    apply_event(doc, "action-added", WHEN, options)
    assert "has no due date, so it has no deadline" in options.warnings[0]


def test_recommendation_keeps_an_earlier_meeting_date() -> None:
    doc = document('\n[rapid_review]\nmeeting = 2025-01-03\n')
    assert fields(record(doc, "recommendation", outcome="cspr")) == {
        "rapid_review.recommendation": "cspr"
    }


def test_practitioner_events_accumulate_without_duplicates() -> None:
    doc = document()
    record(doc, "practitioner-event", D(2025, 4, 3))
    changes = record(doc, "practitioner-event", D(2025, 5, 1))
    assert changes == [Change("cspr.practitioner_events", [D(2025, 4, 3)],
                              [D(2025, 4, 3), D(2025, 5, 1)])]
    assert record(doc, "practitioner-event", D(2025, 4, 3)) == []


def test_action_progress_notes_accumulate_and_repeat_is_ignored() -> None:
    doc = document('\n[[actions]]\ntext = "A"\n')
    record(doc, "action-progress", action=1, note="first")
    changes = record(doc, "action-progress", D(2025, 2, 1), action=1, note="second")
    assert fields(changes) == {"actions[1].progress[2]": {"date": D(2025, 2, 1),
                                                          "note": "second"}}
    assert record(doc, "action-progress", D(2025, 2, 1), action=1, note="second") == []
    still_valid(doc)


def test_a_new_section_gets_a_blank_line_before_it() -> None:
    doc = document()
    record(doc, "partners-notified")
    record(doc, "family-informed")
    assert tomlkit.dumps(doc) == (
        CASE_TEXT + "\n[notification]\npartners = 2025-01-06\n\n[cspr]\n"
        "family_informed = 2025-01-06\n"
    )


def test_flags_say_which_events_are_plans() -> None:
    plans = {name for name, spec in EVENTS.items() if spec.future_ok}
    assert plans == {"rag-meeting", "practitioner-event", "publication-planned"}
    assert [name for name, spec in EVENTS.items() if spec.needs_date] == ["publication-planned"]
