"""The example letters read as an officer would send them: nothing false, nothing odd.

Found by reading every letter drafted for every example case on 27 November 2026: a
looked-after child's death called a serious incident under s16C(1), requests to reply by a
date already gone, an invitation to a review already published, "all 2 agencies". Every case
here is FICTIONAL (the example casebook).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from lscp_cli.casebook import Casebook
from lscp_cli.drafts import draft_for_case
from lscp_cli.errors import LetterRefused
from test_letters_settings import TODAY, every_letter, examples_copy, run

LONG_DATE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}"


def draft(copy: Path, case_id: str, template: str, **options: object) -> str:
    return draft_for_case(Casebook.locate(copy), case_id, template, today=TODAY,
                          **options).text  # type: ignore[arg-type]


def as_date(text: str) -> date:
    return datetime.strptime(text, "%A %d %B %Y").date()


def test_no_letter_asks_for_something_by_a_date_already_gone(tmp_path: Path) -> None:
    asks = re.compile(rf"(?:reply by|planned for|will be completed by|confirm by) \**({LONG_DATE})")
    drawn = every_letter(examples_copy(tmp_path))
    found = 0
    for case_id, template, text in drawn:
        for when in asks.findall(text):
            found += 1
            assert as_date(when) >= TODAY, (case_id, template, when)
    assert found  # the search does find such dates (LSCP-2026-004's returns)


# -- a looked-after child's death without known or suspected abuse is not a s16C(1) incident --


@pytest.mark.parametrize("template", ["panel-notification", "partners-notification"])
def test_a_looked_after_childs_death_is_not_called_a_serious_incident(
        tmp_path: Path, template: str) -> None:
    text = draft(examples_copy(tmp_path), "LSCP-2026-005", template)
    title = next(line for line in text.splitlines() if line.startswith("# "))
    assert "death of a looked-after child" in title.lower()
    assert "serious child safeguarding incident" not in text
    assert "16C(1)" not in text
    assert "why abuse or neglect is known or suspected" not in text


# -- what happened is said as done, once: the notification and the partners' report -----------


def test_panel_notification_says_what_was_done_once(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    done = draft(copy, "LSCP-2026-001", "panel-notification")
    assert ("Leeds City Council notified the Child Safeguarding Practice Review Panel on "
            "Tuesday 13 January 2026 of a serious child safeguarding incident") in done
    assert done.count("safeguarding partners") == 1  # not twice in one letter
    assert "The Rapid Review was sent to the Panel on Monday 2 February 2026." in done
    assert "will be asked" not in done
    in_progress = draft(copy, "LSCP-2026-004", "panel-notification")
    assert "4 partner agencies have been asked for information" in in_progress
    assert "the Rapid Review is due with the Panel within 15 working days" in in_progress
    waiting = draft(copy, "LSCP-2026-005", "panel-notification")
    assert "Leeds City Council notifies the Child Safeguarding Practice Review Panel" in waiting


def not_yet_notified(copy: Path, case_id: str) -> None:
    """The case with its report to the partners not recorded (a letter sent late)."""
    case = copy / "cases" / f"{case_id}.toml"
    case.write_text(re.sub(r"(?m)^partners = .*\n", "", case.read_text(encoding="utf-8")),
                    encoding="utf-8")


def test_partners_notification_says_the_rag_met_and_the_review_was_sent(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    # Once the partners were notified, the letter that notified them is not drafted again.
    with pytest.raises(LetterRefused, match="were notified on 2026-01-13"):
        draft(copy, "LSCP-2026-001", "partners-notification")
    not_yet_notified(copy, "LSCP-2026-001")
    not_yet_notified(copy, "LSCP-2026-004")
    text = draft(copy, "LSCP-2026-001", "partners-notification")
    assert "I am sorry that this notification is late" in text
    assert ("The Review Advisory Group met on Wednesday 28 January 2026 to consider that "
            "information and recommended a Child Safeguarding Practice Review") in text
    assert "The Executive decided on Friday 30 January 2026" in text
    assert "were sent to the National Panel on Monday 2 February 2026" in text
    assert "others may be asked" not in text
    # Met, no decision yet: the decision still rests with the Executive.
    text = draft(copy, "LSCP-2026-004", "partners-notification")
    assert "met on Thursday 26 November 2026" in text
    assert "The decision rests with the Executive." in text
    assert "are due with the National Panel by Wednesday 9 December 2026" in text


# -- requests that have been answered, and reminders -----------------------------------------


def test_agency_request_is_refused_once_answered_or_once_the_review_is_sent(
        tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    with pytest.raises(LetterRefused, match="recorded as received on 2026-11-24"):
        draft(copy, "LSCP-2026-004", "agency-request", agency="West Yorkshire Police")
    with pytest.raises(LetterRefused, match="Rapid Review was sent to the Panel on 2026-07-28"):
        draft(copy, "LSCP-2026-003", "agency-request", agency="Primary school")
    result = run("--dir", str(copy), "draft", "LSCP-2026-004", "agency-request", "--agency",
                 "West Yorkshire Police", "--stdout")
    assert result.exit_code == 1 and "nothing to ask for" in result.stderr


def test_an_overdue_agency_return_gets_a_reminder(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    text = draft(copy, "LSCP-2026-004", "agency-request",
                 agency="Leeds Teaching Hospitals NHS Trust")
    assert "# Rapid Review: reminder of our request" in text
    # A new date (issue 18): the agency-return rule's 5 working days from the reminder.
    assert ("We asked for this information on Wednesday 18 November 2026, and your reply was "
            "due on Wednesday 25 November 2026. Please send it by Friday 4 December 2026.") in text
    assert "as soon as you can" not in text
    assert re.findall(r"reply by \**([^*.]+)", text) == ["Friday 4 December 2026"]
    given = draft(copy, "LSCP-2026-004", "agency-request", agency="Teaching Hospitals",
                  due=date(2026, 12, 1))
    assert "Please send it by Tuesday 1 December 2026." in given
    assert "the Review Advisory Group met on Thursday 26 November 2026 without your" in text
    # Asked, not yet due: the usual request, with its date.
    text = draft(copy, "LSCP-2026-004", "agency-request", agency="Children's Social Work Service")
    assert "reminder" not in text and "**Please reply by Monday 30 November 2026.**" in text


# -- letters for a review whose report is published -------------------------------------------


@pytest.mark.parametrize("template", ["family-cspr-letter", "family-draft-report",
                                      "practitioner-invitation", "author-commission"])
def test_review_letters_are_refused_once_the_report_is_published(
        tmp_path: Path, template: str) -> None:
    copy = examples_copy(tmp_path)
    with pytest.raises(LetterRefused, match="published on 2026-07-23"):
        draft(copy, "LSCP-2026-001", template)
    assert "[" in draft(copy, "LSCP-2026-003", template)  # a review in progress: drafted


def test_family_review_letter_is_refused_when_the_report_is_withheld(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    case = copy / "cases" / "LSCP-2026-003.toml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "publication_planned = 2027-01-26",
        'not_published_reason = "FICTIONAL: the criminal trial"'), encoding="utf-8")
    with pytest.raises(LetterRefused, match="decided not to publish"):
        draft(copy, "LSCP-2026-003", "family-cspr-letter")


def test_publication_notice_after_publication(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    # Sent with the report on 13 July: the letter that sent it is not drafted again.
    with pytest.raises(LetterRefused, match="sent to the Panel and the Secretary of State on "
                       "2026-07-13"):
        draft(copy, "LSCP-2026-001", "publication-notice")
    case = copy / "cases" / "LSCP-2026-001.toml"
    case.write_text(re.sub(r"(?m)^sent_to_panel = .*\n", "", case.read_text(encoding="utf-8")),
                    encoding="utf-8")
    text = draft(copy, "LSCP-2026-001", "publication-notice")
    assert ("The report was published on Thursday 23 July 2026 at "
            "https://www.example.org/lscp/reviews/baby-m. I am sorry that it reaches you after "
            "publication: it should have reached you 7 working days before publication.") in text
    assert "plan" not in text.split("## The review")[0].split("Dear colleagues")[1]
    assert "before publication" not in text.split("## Action plan")[1]
    # A completed action is not listed as open.
    assert ("| Refresh multi-agency training on bruising in non-mobile babies | LSCP Business "
            "Unit | Friday 30 October 2026 | Completed on Tuesday 20 October 2026 |") in text


def test_author_commission_names_the_recipients_in_lscp_toml(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    settings = copy / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[panel]\nfinal_report_recipients'
                        ' = ["Child Safeguarding Practice Review Panel", "Secretary of State '
                        'for Education", "Ofsted"]\n', encoding="utf-8")
    text = draft(copy, "LSCP-2026-003", "author-commission")
    assert ("the partners send the final report to:\n\n- Child Safeguarding Practice Review "
            "Panel\n- Secretary of State for Education\n- Ofsted\n") in text


# -- small words -------------------------------------------------------------------------------


def test_two_agencies_are_both_agencies(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    assert "returned by both agencies asked" in draft(copy, "LSCP-2026-002", "panel-outcome")
    assert "returned by all 3 agencies asked" in draft(copy, "LSCP-2026-001", "panel-outcome")
    assert "all 2" not in draft(copy, "LSCP-2025-007", "panel-outcome")


def test_an_overdue_action_is_not_asked_whether_it_will_be_done_by_its_past_date(
        tmp_path: Path) -> None:
    text = draft(examples_copy(tmp_path), "LSCP-2026-001", "action-update-request", action=2)
    assert ("2. If it is not complete: why it was not completed by Friday 20 November 2026, "
            "and the date you now propose") in text
    assert "Whether the action will be completed by" not in text


def test_rapid_review_summary_next_steps_say_what_is_done(tmp_path: Path) -> None:
    text = draft(examples_copy(tmp_path), "LSCP-2026-001", "rapid-review-summary")
    assert "(commissioned on Monday 16 February 2026; the family informed on Wednesday 18 " \
        "February 2026)" in text
    assert ("- Published on Thursday 23 July 2026; the aim was Thursday 30 July 2026 (the "
            "partnership's aim of 6 months from the decision; not statute).") in text
    assert ("- This Rapid Review and the decision were sent to the National Panel on Monday 2 "
            "February 2026 (due by Tuesday 3 February 2026).") in text


def test_example_incidents_in_the_area_happened_in_leeds() -> None:
    import tomllib

    for path in sorted((Path(__file__).parent.parent / "examples" / "cases").glob("*.toml")):
        incident = tomllib.loads(path.read_text(encoding="utf-8"))["incident"]
        if incident.get("in_area") and incident.get("location"):
            # in_area is the s16C(1) test: in the area, or normally resident and harmed
            # outside England. A Leeds child harmed elsewhere in England is that area's to notify.
            assert "Leeds" in incident["location"], path.name
