"""A letter says only what is true on the day it is drafted: a step dated after that day (a
RAG meeting or practitioner event booked ahead) is written as planned, never as done.

Every case here is FICTIONAL (the example casebook), with a meeting or an event moved ahead
of the letters' date (27 November 2026)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from lscp_cli.casebook import Casebook
from lscp_cli.drafts import draft_for_case
from lscp_cli.errors import LetterRefused
from lscp_cli.model.dates import long_date
from test_letters_settings import TODAY, examples_copy, letters, options_for

MEETING = date(2026, 12, 3)  # after TODAY
EVENT = date(2026, 12, 8)
# Words that make a sentence about a later date say it is still to come.
PLANNED_WORDS = re.compile(r"planned|due to|will|is to|to be held|\| Date \|")


def planned_casebook(tmp_path: Path) -> Path:
    copy = examples_copy(tmp_path)
    rapid = copy / "cases" / "LSCP-2026-004.toml"  # its RAG met on 26 November: now planned
    text = rapid.read_text(encoding="utf-8")
    text = text.replace("meeting = 2026-11-26\nrecommendation = \"cspr\"\n",
                        f"meeting = {MEETING.isoformat()}\n")
    assert MEETING.isoformat() in text
    rapid.write_text(text, encoding="utf-8")
    cspr = copy / "cases" / "LSCP-2026-003.toml"  # one event held, one booked ahead
    text = cspr.read_text(encoding="utf-8").replace(
        "practitioner_events = [2026-10-14]",
        f"practitioner_events = [2026-10-14, {EVENT.isoformat()}]")
    assert EVENT.isoformat() in text
    cspr.write_text(text, encoding="utf-8")
    return copy


def drafts(copy: Path, case_id: str) -> dict[str, str]:
    import tomllib

    casebook = Casebook.locate(copy)
    case = tomllib.loads((copy / "cases" / f"{case_id}.toml").read_text(encoding="utf-8"))
    drawn = {}
    for template in letters(casebook):
        options = options_for(template, case)
        if template == "action-update-request" and not options:
            continue
        try:
            drawn[template] = draft_for_case(casebook, case_id, template, today=TODAY,
                                             **options).text
        except LetterRefused:
            continue
    return drawn


def test_no_letter_says_a_planned_step_happened(tmp_path: Path) -> None:
    copy = planned_casebook(tmp_path)
    mentions = 0
    for case_id, when in (("LSCP-2026-004", MEETING), ("LSCP-2026-003", EVENT)):
        for template, text in drafts(copy, case_id).items():
            assert f"met on {long_date(when)}" not in text, (template, when)
            for line in text.splitlines():
                if long_date(when) in line:
                    mentions += 1
                    assert PLANNED_WORDS.search(line), (template, line)
    assert mentions >= 3  # the planned dates are still told, as planned


def test_rapid_review_summary_says_the_rag_is_due_to_meet(tmp_path: Path) -> None:
    text = drafts(planned_casebook(tmp_path), "LSCP-2026-004")["rapid-review-summary"]
    assert (f"The Review Advisory Group is due to meet on {long_date(MEETING)}"
            in text)
    assert "Review Advisory Group met" not in text


def test_partners_notification_gives_the_planned_meeting(tmp_path: Path) -> None:
    copy = planned_casebook(tmp_path)
    # The partners' letter is drafted on the day it is sent (after that day it is refused).
    case = copy / "cases" / "LSCP-2026-004.toml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "partners = 2026-11-18", f"partners = {TODAY.isoformat()}"), encoding="utf-8")
    text = drafts(copy, "LSCP-2026-004")["partners-notification"]
    assert f"at its meeting planned for {long_date(MEETING)}" in text


def test_author_commission_tells_held_events_from_planned_ones(tmp_path: Path) -> None:
    text = drafts(planned_casebook(tmp_path), "LSCP-2026-003")["author-commission"]
    assert f"{long_date(date(2026, 10, 14))}" in text
    assert f"{long_date(EVENT)} (planned)" in text


def test_practitioner_invitation_is_to_the_planned_event(tmp_path: Path) -> None:
    text = drafts(planned_casebook(tmp_path), "LSCP-2026-003")["practitioner-invitation"]
    assert f"| Date | {long_date(EVENT)} |" in text


def test_practitioner_invitation_to_any_planned_event_with_its_time_and_place(
        tmp_path: Path) -> None:
    """`--event DATE` picks any event still to come; the note recorded with it gives the time
    and place (issue 18). FICTIONAL venue."""
    from test_letters_settings import run

    copy = planned_casebook(tmp_path)
    later = date(2027, 1, 12)
    noted = run("--dir", str(copy), "record", "LSCP-2026-003", "practitioner-event",
                later.isoformat(), "--note", "10:00 to 12:30, Example Hall room 2")
    assert noted.exit_code == 0, noted.output
    casebook = Casebook.locate(copy)
    chosen = draft_for_case(casebook, "LSCP-2026-003", "practitioner-invitation", today=TODAY,
                            event=later).text
    assert f"| Date | {long_date(later)} |" in chosen
    assert "| Time and place | 10:00 to 12:30, Example Hall room 2 |" in chosen
    assert "[start and finish times]" not in chosen
    # Without --event: the next event, whose time and place are still to fill in.
    first = draft_for_case(casebook, "LSCP-2026-003", "practitioner-invitation",
                           today=TODAY).text
    assert f"| Date | {long_date(EVENT)} |" in first and "[start and finish times]" in first
    for wrong, said in ((date(2026, 10, 14), "was held before the letter's date"),
                        (date(2027, 2, 1), "no practitioner event is recorded on that date")):
        result = run("--dir", str(copy), "draft", "LSCP-2026-003", "practitioner-invitation",
                     "--event", wrong.isoformat(), "--date", TODAY.isoformat(), "--stdout")
        assert result.exit_code == 2
        assert said in result.stderr
        assert "2026-10-14, 2026-12-08, 2027-01-12" in " ".join(result.stderr.split())


def test_a_sent_notice_is_refused_saying_what_was_sent(tmp_path: Path) -> None:
    """QA: after `not-published`, the refusal said "the information about the improvements was
    sent ... with this letter", when what was recorded as sent was the final report."""
    import pytest

    copy = examples_copy(tmp_path)
    path = copy / "cases" / "LSCP-2026-001.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('published = 2026-07-23\npublished_url = "https://www.example.org/lscp/'
                        'reviews/baby-m"\n', 'not_published_reason = "fictional"\n')
    assert "not_published_reason" in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LetterRefused) as refused:
        draft_for_case(Casebook.locate(copy), "LSCP-2026-001", "publication-notice",
                       today=TODAY)
    said = str(refused.value)
    assert "the final report is recorded as sent" in said and "2026-07-13" in said
    assert "information about the improvements was sent" not in said
    assert "record it with improvements-published" in said
