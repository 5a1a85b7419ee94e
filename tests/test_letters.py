"""The rest of the process's letters, and the rules for letters to a family.

Golden files in tests/golden/ (regenerate with `LSCP_UPDATE_GOLDEN=1`, then read the diff).
Every case here is FICTIONAL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lscp_cli import drafts
from lscp_cli.drafts import LetterRefused
from lscp_cli.model.dates import long_date
from lscp_cli.process.rules import Deadline, Status
from test_drafts import FULL_DEADLINES, SETTINGS, TODAY, check_golden, full_case

# The letters this file adds; each renders for the full fictional case (with a published
# report for the NSPCC letter, which is only written once the report is out, and a second,
# overdue action with progress for the action update request).
REVIEW_LETTERS = (
    "author-commission",
    "practitioner-invitation",
    "family-draft-report",
    "nspcc-submission",
)
NEW_LETTERS = (*REVIEW_LETTERS, "action-update-request")
FAMILY_LETTERS = ("family-cspr-letter", "family-draft-report")


def published_case() -> dict[str, Any]:
    case = full_case()
    case["cspr"].update(
        draft_shared_with_family=date(2025, 6, 20),
        sent_to_panel=date(2025, 7, 4),
        published=date(2025, 7, 15),
        published_url="https://www.example.org/lscp/reviews/child-a",
    )
    return case


def action_case() -> dict[str, Any]:
    case = full_case()
    case["actions"].append({
        "text": "Audit how agencies record and engage fathers and male carers",
        "owner": "Leeds Community Healthcare",
        "due": date(2024, 12, 20),
        "progress": [{"date": date(2024, 11, 1), "note": "Audit tool agreed; sample drawn."}],
    })
    return case


def case_for(name: str) -> dict[str, Any]:
    if name == "nspcc-submission":
        return published_case()
    return action_case() if name == "action-update-request" else full_case()


def options_for(name: str) -> dict[str, Any]:
    """What `lscp draft` is given besides the case: the agency, or the action."""
    if name == "agency-request":
        return {"agency": "Leeds Community Healthcare"}
    return {"action": 2} if name == "action-update-request" else {}


# The overdue second action of action_case(), as rules.py reports it on TODAY.
ACTION_DEADLINE = Deadline(case="LSCP-2025-001", milestone="action", label="action",
                           due=date(2024, 12, 20), met=None, status=Status.OVERDUE,
                           working_days_left=-8, provisional=False, basis="", action=2)


def render(name: str, case: dict[str, Any] | None = None, today: date = TODAY) -> str:
    return drafts.render(name, case if case is not None else case_for(name), SETTINGS,
                         [*FULL_DEADLINES, ACTION_DEADLINE], "md", today=today,
                         **options_for(name)).text


@pytest.mark.parametrize("name", NEW_LETTERS)
def test_new_letters_match_golden(name: str) -> None:
    check_golden(f"{name}.md", render(name))


@pytest.mark.parametrize("name", NEW_LETTERS)
def test_new_letters_are_marked_draft_top_and_bottom_and_listed(name: str) -> None:
    lines = [line for line in render(name).splitlines() if line.strip()]
    assert lines[0] == "**OFFICIAL-SENSITIVE**"
    assert "DRAFT" in lines[1]
    assert "OFFICIAL-SENSITIVE" in lines[-1] and "DRAFT" in lines[-1]
    assert "None" not in "\n".join(lines)
    info = {t.name: t for t in drafts.TemplateStore().templates()}[name]
    assert info.builtin and info.description != "(no description)"


def test_author_commission_has_terms_of_reference_timescale_and_the_six_month_aim() -> None:
    text = render("author-commission")
    for heading in ("## Terms of reference", "### Purpose", "### Scope and period under review",
                    "### Key lines of enquiry", "### The child and the family",
                    "### Equality, diversity and inclusion", "### Parallel processes",
                    "### Governance and quality", "## Timescale"):
        assert heading in text
    # The 6-month aim is the cspr-publication deadline, worked out by rules.py.
    assert "within 6 months of the decision" in text
    assert "Tuesday 22 July 2025" in text
    assert "Dear Jo Example (fictional)," in text
    assert "- Bruising in young children must always be explained and checked" in text


def test_practitioner_invitation_gives_the_next_event_purpose_and_confidentiality() -> None:
    text = render("practitioner-invitation", today=date(2025, 4, 4))
    assert "| Date | Thursday 10 April 2025 |" in text  # the 3 April event is past
    assert "## What the event is for" in text and "## Confidentiality" in text
    later = render("practitioner-invitation", today=date(2025, 5, 1))
    assert "| Date | [date of the event] |" in later


def test_nspcc_submission_names_the_published_report() -> None:
    text = render("nspcc-submission")
    assert "Tuesday 15 July 2025" in text
    assert "https://www.example.org/lscp/reviews/child-a" in text
    # A public repository gets the published report only: no children's details.
    assert "A.B." not in text and "SI-12345" not in text


# -- letters to the family -------------------------------------------------------------------


@pytest.mark.parametrize("name", FAMILY_LETTERS)
def test_family_letters_never_show_the_panel_reference_or_internal_deadlines(name: str) -> None:
    text = render(name)
    assert "SI-12345" not in text and "Panel reference" not in text
    for deadline in FULL_DEADLINES:
        assert long_date(deadline.due) not in text, deadline.milestone
    assert "working days" not in text


@pytest.mark.parametrize("name", FAMILY_LETTERS)
def test_family_letters_footer_speaks_to_a_parent(name: str) -> None:
    footer = [line for line in render(name).splitlines() if line.strip()][-1]
    assert "OFFICIAL-SENSITIVE" in footer and "DRAFT" in footer
    assert "you and your family" in footer and "[telephone]" in footer
    assert "safeguard" not in footer and "Share it only" not in footer


@pytest.mark.parametrize("name", FAMILY_LETTERS)
def test_family_letters_never_promise_that_no_one_is_named(name: str) -> None:
    text = render(name).casefold()
    for promise in ("anyone's name", "no one is named", "nobody is named", "no names",
                    "does not name anyone", "anonymous"):
        assert promise not in text
    assert "the report does name the independent reviewer" in text
    assert "will not use your family's names" not in text  # issue 18: a promise all the same
    assert "we cannot promise that no one who knows your family will recognise them" in text
    assert "jo example (fictional)" in text  # the reviewer, by name


# -- letters that do not fit the case are refused, with the reason ----------------------------


def no_decision_case() -> dict[str, Any]:
    case = full_case()
    case["rapid_review"] = {"meeting": date(2025, 1, 20)}
    case.pop("cspr")
    return case


@pytest.mark.parametrize("name", REVIEW_LETTERS)
def test_review_letters_are_refused_without_a_cspr_decision(name: str) -> None:
    case = no_decision_case()
    with pytest.raises(LetterRefused, match=rf"^{name} does not fit this case: .*decision"):
        render(name, case)
    case["rapid_review"]["decision"] = "no-cspr"
    with pytest.raises(LetterRefused, match="'no-cspr'"):
        render(name, case)


def test_nspcc_submission_is_refused_until_the_report_is_published() -> None:
    with pytest.raises(LetterRefused, match=r"not recorded as published yet; record it first "
                                            r"with `lscp record LSCP-2025-001 published"):
        render("nspcc-submission", full_case())


@pytest.mark.parametrize("name", ["nspcc-submission", "family-draft-report"])
def test_letters_about_publication_are_refused_for_a_withheld_report(name: str) -> None:
    case = published_case()
    case["cspr"]["not_published_reason"] = "FICTIONAL: a risk to a sibling"
    with pytest.raises(LetterRefused, match="decided not to publish") as refused:
        render(name, case)
    assert "sibling" not in str(refused.value)  # the reason is case content: never echoed


def test_action_update_request_shows_the_action_its_status_and_progress() -> None:
    text = render("action-update-request")
    assert ("| Action | 2 of 2: Audit how agencies record and engage fathers and male carers |"
            in text)
    assert "| Status | Overdue: the due date has passed" in text
    assert "- Friday 1 November 2024: Audit tool agreed; sample drawn." in text
    assert "Leeds Community Healthcare" in text.split("# ")[0]  # the addressee


def test_action_update_request_is_refused_for_a_completed_action() -> None:
    case = action_case()
    case["actions"][1]["completed"] = date(2025, 1, 2)
    with pytest.raises(LetterRefused, match="action 2 is recorded as completed on 2025-01-02"):
        render("action-update-request", case)
