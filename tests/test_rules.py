"""Deadline rules: the data file, partnership overrides, and deadlines and statuses of a case."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import case_text
from lscp_cli.errors import InvalidFile, SettingsError
from lscp_cli.process.rules import Deadline, case_deadlines, select_deadlines
from lscp_cli.process.ruleset import case_milestones, check_overrides, default_rules, load_rules
from lscp_cli.process.settings import parse_settings
from lscp_cli.process.workdays import WorkCalendar

D = date
ENGLAND = WorkCalendar()
RULES = load_rules()

# The example case of DESIGN.md section 3 (fictional; tests/fixtures/cases/design.toml).
DESIGN_CASE = case_text("design")


def case(text: str = DESIGN_CASE) -> dict[str, Any]:
    return tomllib.loads(text)


def minimal(**tables: str) -> dict[str, Any]:
    """A case with only `aware`, plus the given tables written as TOML text."""
    extra = "\n".join(f"[{name}]\n{body}" for name, body in tables.items())
    return case(f'id = "LSCP-2025-002"\n[incident]\naware = 2025-01-03\n{extra}')


def by_milestone(deadlines: list[Deadline]) -> dict[str, Deadline]:
    return {d.key.split("/", 1)[1]: d for d in deadlines}


# -- the rules data ---------------------------------------------------------------------------


def test_every_rule_has_its_source_and_distinct_override() -> None:
    ids = [rule.id for rule in default_rules()]
    assert ids == [
        "panel-notification",
        "partners-notification",
        "care-leaver-notification",
        "agency-return",
        "rapid-review",
        "cspr-publication",
        "final-report-to-panel",
        "action",
    ]
    assert all(rule.source and rule.label and rule.base_label for rule in default_rules())
    overrides = [rule.override for rule in default_rules() if rule.override]
    assert len(overrides) == len(set(overrides)) == 7


@pytest.mark.parametrize(
    ("raw", "bad_key", "message"),
    [
        ({"agency_return_days": 10}, None, None),
        ({"cspr_publication_months": 9, "rapid_review_days": 20}, None, None),
        ({"agency_return_day": 5}, "agency_return_day", "did you mean 'agency_return_days'?"),
        ({"colour": "red"}, "colour", "the settings are: agency_return_days, "),
        ({"agency_return_days": "5"}, "agency_return_days", "e.g. agency_return_days = 5"),
        ({"agency_return_days": True}, "agency_return_days", "whole number of working days"),
        ({"agency_return_days": 5.5}, "agency_return_days", "from 1 to 60"),
        ({"agency_return_days": 0}, "agency_return_days", "(got 0)"),
        ({"cspr_publication_months": 37}, "cspr_publication_months", "whole number of months"),
    ],
)
def test_check_overrides(raw: dict[str, Any], bad_key: str | None, message: str | None) -> None:
    problems = check_overrides(raw)
    if bad_key is None:
        assert problems == []
        load_rules(raw)
    else:
        assert [key for key, _ in problems] == [bad_key]
        assert message in problems[0][1]
        with pytest.raises(SettingsError):
            load_rules(raw)


def test_settings_report_bad_rule_overrides_with_their_line(tmp_path: Path) -> None:
    text = "[rules]\nagency_return_days = 5\nrapid_review_dayz = 20\n"
    settings = parse_settings(text, tmp_path / "lscp.toml")  # the shape is fine
    with pytest.raises(InvalidFile) as caught:
        load_rules(settings)
    assert "lscp.toml:3: unknown rule setting 'rapid_review_dayz'" in str(caught.value)


def test_overrides_change_the_numbers() -> None:
    rules = load_rules({"agency_return_days": 10, "rapid_review_days": 20})
    deadlines = by_milestone(case_deadlines(case(), ENGLAND, rules, D(2025, 1, 6)))
    assert deadlines["agency-return/leeds-community-healthcare"].due == D(2025, 1, 20)
    assert "10 working days after the request" in (
        deadlines["agency-return/leeds-community-healthcare"].basis
    )
    assert deadlines["rapid-review"].due == D(2025, 2, 3)


# -- a whole case -----------------------------------------------------------------------------


def test_design_example_case() -> None:
    deadlines = case_deadlines(case(), ENGLAND, RULES, D(2025, 11, 24))
    got = [(d.key, d.due, d.met, d.status, d.working_days_left) for d in deadlines]
    c = "LSCP-2025-001/"
    assert got == [
        (c + "panel-notification", D(2025, 1, 10), D(2025, 1, 6), "met", -221),
        (c + "partners-notification", D(2025, 1, 10), D(2025, 1, 6), "met", -221),
        (c + "agency-return/west-yorkshire-police", D(2025, 1, 13), D(2025, 1, 10), "met", -220),
        (c + "agency-return/leeds-community-healthcare", D(2025, 1, 13), None, "lapsed", -220),
        (c + "rapid-review", D(2025, 1, 27), D(2025, 1, 24), "met", -210),
        (c + "cspr-publication", D(2025, 7, 22), D(2025, 7, 15), "met", -88),
        (c + "final-report-to-panel", D(2025, 7, 4), D(2025, 7, 4), "met", -100),
        (c + "action/1", D(2025, 10, 31), D(2025, 10, 20), "met", -16),
        (c + "action/2", D(2025, 11, 29), None, "pending", 4),
    ]
    police, health = deadlines[2], deadlines[3]
    assert police.agency == "West Yorkshire Police"
    assert police.basis == "the due date given with the request (2025-01-13)"
    assert health.basis == ("5 working days after the request on 2025-01-06; lapsed: the "
                            "Rapid Review went to the Panel without it on 2025-01-24")
    assert health.label == "Information return: Leeds Community Healthcare"
    assert deadlines[7].action == 1
    assert deadlines[7].label.startswith("Action 1: Refresh multi-agency training")
    assert deadlines[4].basis == "15 working days after the Panel notification on 2025-01-06"
    assert deadlines[6].basis == (
        "7 working days before the planned publication on 2025-07-15; the 7 working days are "
        "unverified against Working Together 2023 (lscp.toml [rules] "
        "final_report_days_before_publication)"
    )


def test_to_json_has_the_design_fields() -> None:
    deadline = case_deadlines(case(), ENGLAND, RULES, D(2025, 1, 8))[3]
    assert deadline.to_json() == {
        "case": "LSCP-2025-001",
        "milestone": "agency-return",
        "label": "Information return: Leeds Community Healthcare",
        "due": "2025-01-13",
        "met": None,
        "status": "due-soon",
        "working_days_left": 3,
        "provisional": False,
        "basis": "5 working days after the request on 2025-01-06",
        "agency": "Leeds Community Healthcare",
        "action": None,
        "source": deadline.source,
        "action_text": None,
        "owner": None,
    }
    assert deadline.source.startswith("Local practice")


# -- statuses at the edges --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("panel", "as_of", "status", "left"),
    [
        (None, D(2025, 1, 6), "pending", 4),  # due Friday 10th
        (None, D(2025, 1, 7), "due-soon", 3),
        (None, D(2025, 1, 10), "due-soon", 0),  # due today
        (None, D(2025, 1, 11), "overdue", 0),  # Saturday after: late, no working day lost yet
        (None, D(2025, 1, 13), "overdue", -1),  # one working day late
        ("2025-01-10", D(2025, 1, 20), "met", -6),  # met on the due date
        ("2025-01-13", D(2025, 1, 20), "met-late", -6),  # met a day late
        ("2025-01-03", D(2025, 1, 3), "met", 5),  # met early, before the due date comes
    ],
)
def test_status_edges(panel: str | None, as_of: date, status: str, left: int) -> None:
    data = minimal(notification=f"panel = {panel}") if panel else minimal()
    deadline = by_milestone(case_deadlines(data, ENGLAND, RULES, as_of))["panel-notification"]
    assert deadline.due == D(2025, 1, 10)
    assert (deadline.status, deadline.working_days_left) == (status, left)


def test_rapid_review_is_provisional_until_the_panel_is_notified() -> None:
    before = by_milestone(case_deadlines(minimal(), ENGLAND, RULES, D(2025, 1, 6)))
    review = before["rapid-review"]
    assert review.provisional
    assert review.due == D(2025, 1, 24)  # aware Friday 3 January + 15
    assert review.basis == (
        "15 working days after the local authority became aware on 2025-01-03; "
        "provisional until the Panel notification is recorded"
    )
    after = by_milestone(
        case_deadlines(minimal(notification="panel = 2025-01-08"), ENGLAND, RULES, D(2025, 1, 8))
    )
    assert not after["rapid-review"].provisional
    assert after["rapid-review"].due == D(2025, 1, 29)


@pytest.mark.parametrize(
    ("tables", "absent"),
    [
        ({}, "cspr-publication"),  # no decision yet
        ({"rapid_review": 'decision = "no-cspr"\ndecision_date = 2025-01-22'}, "cspr-publication"),
        ({"rapid_review": 'decision = "cspr"'}, "cspr-publication"),  # no decision date
        ({"cspr": "commissioned = 2025-02-10"}, "final-report-to-panel"),
    ],
)
def test_a_rule_without_its_base_gives_no_deadline(tables: dict[str, str], absent: str) -> None:
    milestones = {d.milestone for d in case_deadlines(minimal(**tables), ENGLAND, RULES, D.today())}
    assert absent not in milestones
    assert {"panel-notification", "partners-notification", "rapid-review"} <= milestones


def test_entries_without_a_base_give_no_deadline() -> None:
    data = case(
        'id = "LSCP-2025-003"\n[incident]\naware = 2025-01-03\n'
        '[[agencies]]\nname = "Police"\n[[actions]]\ntext = "No due date yet"\n'
    )
    assert {d.milestone for d in case_deadlines(data, ENGLAND, RULES, D(2025, 1, 3))} == {
        "panel-notification",
        "partners-notification",
        "rapid-review",
    }


def test_not_published_reason_alone_does_not_settle_publication() -> None:
    # Issue 8: a withheld report still owes the improvements information (s16F).
    data = minimal(
        rapid_review='decision = "cspr"\ndecision_date = 2024-08-30',
        cspr='not_published_reason = "Publishing would put a sibling at risk"',
    )
    publication = by_milestone(case_deadlines(data, ENGLAND, RULES, D(2025, 6, 1)))[
        "cspr-publication"
    ]
    assert publication.due == D(2025, 2, 28)  # 30 August + 6 months, clamped to February
    assert (publication.status, publication.met) == ("overdue", None)
    assert "sibling" not in publication.basis  # the reason is personal: never quoted


def test_weekend_awareness_counts_from_monday_and_says_so() -> None:
    data = case('id = "LSCP-2025-004"\n[incident]\naware = 2025-01-04\n')
    notification = case_deadlines(data, ENGLAND, RULES, D(2025, 1, 6))[0]
    assert notification.due == D(2025, 1, 10)
    assert notification.basis == (
        "5 working days after the local authority became aware on 2025-01-04 "
        "(not a working day: 2025-01-06 counts as day 1)"
    )


def test_partnership_calendar_from_lscp_toml(tmp_path: Path) -> None:
    settings = parse_settings(
        "[calendar]\nclosed = [2025-01-08]\nevent_day_is_day_one = true\n", tmp_path / "lscp.toml"
    )
    calendar = settings.calendar.work_calendar()
    data = minimal()
    data["agencies"] = [{"name": "Police", "requested": D(2025, 1, 3)}]
    found = {d.milestone: d for d in case_deadlines(data, calendar, RULES, D(2025, 1, 6))}
    # The closure is local: the national Panel notification ignores it. Friday 3rd is day 1;
    # Monday 6, Tuesday 7, Wednesday 8 (closed, still counted), Thursday 9 are 2 to 5.
    notification = found["panel-notification"]
    assert notification.due == D(2025, 1, 9)
    assert "(that day counting as day 1)" in notification.basis
    assert "office closures (lscp.toml [calendar] closed) do not move a national deadline " \
           "(counting them would give 2025-01-10)" in notification.basis
    # An agency's return is local: Mon 6, Tue 7, (closed 8), Thu 9, Fri 10 are 2 to 5.
    agency = found["agency-return"]
    assert agency.due == D(2025, 1, 10)
    assert agency.basis.endswith("moved from 2025-01-09 by the office closures in lscp.toml "
                                 "[calendar] closed (2025-01-08)")


CHRISTMAS_CLOSED = WorkCalendar(closed=[D(2025, 12, 29), D(2025, 12, 30), D(2025, 12, 31)])


@pytest.mark.parametrize(("milestone", "due"), [
    # Aware Monday 22 December 2025: 23, 24, (25, 26 bank holidays), 29, 30, 31 December.
    ("panel-notification", D(2025, 12, 31)),
    ("partners-notification", D(2025, 12, 31)),
    ("rapid-review", D(2026, 1, 15)),  # 15 working days, provisional from awareness
    # Local: the three closure days are skipped, and 1 January is a bank holiday.
    ("agency-return", D(2026, 1, 7)),
    ("action", D(2026, 1, 2)),  # an action's own due date is as typed
])
def test_office_closures_move_local_deadlines_only(milestone: str, due: date) -> None:
    data = case('id = "LSCP-2025-002"\n[incident]\ntype = "serious-harm"\n'
                'aware = 2025-12-22\nabuse_or_neglect = "suspected"\n')
    data["agencies"] = [{"name": "Police", "requested": D(2025, 12, 23)}]
    data["actions"] = [{"text": "x", "due": D(2026, 1, 2)}]
    found = {d.milestone: d for d in case_deadlines(data, CHRISTMAS_CLOSED, RULES,
                                                    D(2025, 12, 22))}
    assert found[milestone].due == due


@pytest.mark.parametrize("rule_id", ["care-leaver-notification", "cspr-publication",
                                     "final-report-to-panel", "panel-notification",
                                     "partners-notification", "rapid-review"])
def test_national_rules_count_without_closures(rule_id: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.national
    assert not next(r for r in RULES if r.id == "agency-return").national
    assert not next(r for r in RULES if r.id == "action").national


def test_working_days_left_of_a_national_deadline_ignore_closures() -> None:
    data = case('id = "LSCP-2025-002"\n[incident]\ntype = "serious-harm"\n'
                'aware = 2025-12-22\nabuse_or_neglect = "suspected"\n')
    notification = case_deadlines(data, CHRISTMAS_CLOSED, RULES, D(2025, 12, 24))[0]
    assert (notification.due, notification.working_days_left) == (D(2025, 12, 31), 3)


# -- the report across cases ------------------------------------------------------------------


def test_select_deadlines_orders_and_filters() -> None:
    closed = case(DESIGN_CASE.replace('id = "LSCP-2025-001"', 'id = "LSCP-2025-009"'))
    closed["closed"] = D(2025, 11, 30)
    cases = [minimal(), case(), closed]
    as_of = D(2025, 1, 9)

    report = select_deadlines(cases, ENGLAND, RULES, as_of)
    # A closed case's open actions are still owed (closed with --force); nothing else of it.
    assert all(not d.is_met and (d.case != "LSCP-2025-009" or d.milestone == "action")
               for d in report)
    keys = [(d.status, d.due, d.case, d.milestone) for d in report]
    assert keys == sorted(keys, key=lambda k: (k[0] != "overdue", k[1], k[2], k[3]))

    everything = select_deadlines(cases, ENGLAND, RULES, as_of, include_met=True)
    assert any(d.case == "LSCP-2025-009" and not d.is_met for d in everything)
    assert any(d.is_met for d in everything)

    soon = select_deadlines(cases, ENGLAND, RULES, as_of, within=1)
    assert soon and all(d.working_days_left <= 1 for d in soon)

    late = select_deadlines(cases, ENGLAND, RULES, D(2025, 1, 14), overdue_only=True)
    assert late and {d.status for d in late} == {"overdue"}
    assert late[0].due <= late[-1].due


def test_case_milestones_are_the_rules_with_one_deadline_per_case() -> None:
    assert case_milestones() == {
        "panel-notification": "Notify the National Panel",
        "partners-notification": "Report to the safeguarding partners",
        "care-leaver-notification": "Notify the Secretary of State and Ofsted (care leaver's "
        "death)",
        "rapid-review": "Rapid Review to the National Panel",
        "cspr-publication": "Complete and publish the CSPR",
        "final-report-to-panel": "Final report to the Panel and the Secretary of State",
    }


def test_a_month_deadline_on_a_weekend_moves_to_the_next_working_day() -> None:
    # Decision Sunday 19 January 2025; 6 months later is Saturday 19 July: due Monday 21 July.
    data = case(
        'id = "LSCP-2025-005"\n[incident]\naware = 2025-01-03\n'
        '[rapid_review]\ndecision = "cspr"\ndecision_date = 2025-01-19\n'
    )
    cspr = by_milestone(case_deadlines(data, ENGLAND, RULES, D(2025, 1, 20)))["cspr-publication"]
    assert cspr.due == D(2025, 7, 21)
    assert cspr.basis == (
        "6 months after the decision to commission a CSPR on 2025-01-19 "
        "(2025-07-19 is not a working day)"
    )


def test_each_rule_describes_itself_for_the_help() -> None:
    described = {rule.id: rule.describe() for rule in default_rules()}
    assert described["rapid-review"] == (
        "Rapid Review to the National Panel",
        "15 working days after the Panel notification (or, when that is not recorded, the "
        "Panel notification by the authority where it happened) (until that is recorded, "
        "provisionally "
        "15 working days after the local authority became aware); not when the recorded facts "
        "do not meet the notification criteria or it is not a serious child safeguarding "
        "incident (s16C(1)) and incident.type is care-leaver-death or "
        "incident.abuse_or_neglect is not-suspected; [rules] rapid_review_days",
    )
    assert described["agency-return"][0] == "Information return: each agency"
    assert "7 working days before the planned publication" in described["final-report-to-panel"][1]
    assert described["cspr-publication"][1].startswith(
        "6 months after the decision to commission a CSPR; only when rapid_review.decision is cspr"
    )
    assert described["action"] == ("Action N: its text", "on the action plan's due date")


def test_the_final_report_without_a_planned_date_is_due_before_the_publication() -> None:
    """Issue 18: a report published with no plan recorded still owed the Panel and the
    Secretary of State the final report 7 working days before publication."""
    decided = 'decision = "cspr"\ndecision_date = 2025-01-22'
    unplanned = minimal(rapid_review=decided, cspr="commissioned = 2025-02-10\n"
                        "published = 2025-07-15")
    found = {d.milestone: d for d in case_deadlines(unplanned, ENGLAND, RULES, D(2025, 8, 1))}
    report = found["final-report-to-panel"]
    assert report.due == D(2025, 7, 4) and report.status == "overdue"
    assert not report.provisional and "the publication on 2025-07-15" in report.basis
    sent_late = minimal(rapid_review=decided, cspr="commissioned = 2025-02-10\n"
                        "published = 2025-07-15\nsent_to_panel = 2025-07-10")
    late = next(d for d in case_deadlines(sent_late, ENGLAND, RULES, D(2025, 8, 1))
                if d.milestone == "final-report-to-panel")
    assert late.status == "met-late"
    # A plan, when recorded, is what the date is counted from.
    planned = minimal(rapid_review=decided, cspr="commissioned = 2025-02-10\n"
                      "publication_planned = 2025-07-22\npublished = 2025-07-15")
    assert next(d for d in case_deadlines(planned, ENGLAND, RULES, D(2025, 8, 1))
                if d.milestone == "final-report-to-panel").due == D(2025, 7, 11)
