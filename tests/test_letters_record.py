"""What a letter says comes from what the officer recorded (issue 18): the Rapid Review's
learning and immediate actions (`record ID rr-learning --text`, `immediate-action --text`)
and the decision's reasons (`decision ... --text`), and a gap names the command that fills
it. Every case here is FICTIONAL (the example casebook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_letters_settings import examples_copy, run

CASE = "LSCP-2026-003"  # CSPR in progress; no learning or immediate actions recorded


def draft(copy: Path, case_id: str, template: str) -> str:
    result = run("--dir", str(copy), "draft", case_id, template, "--stdout",
                 "--date", "2026-11-27")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("template", ["panel-outcome", "rapid-review-summary"])
def test_learning_and_immediate_actions_recorded_reach_the_letters(
        tmp_path: Path, template: str) -> None:
    copy = examples_copy(tmp_path)
    gap = draft(copy, CASE, template)
    assert f'`lscp record {CASE} rr-learning --text "..."`' in gap
    assert f'`lscp record {CASE} immediate-action --text "..."`' in gap
    for event, text in (("rr-learning", "Neglect toolkit not used by the school"),
                        ("rr-learning", "Nursery concerns not shared"),
                        ("immediate-action", "Schools briefed on the neglect toolkit")):
        result = run("--dir", str(copy), "record", CASE, event, "--text", text)
        assert result.exit_code == 0, result.output
    again = run("--dir", str(copy), "record", CASE, "rr-learning", "--text",
                "Neglect toolkit  not used by the school")
    assert again.exit_code == 0 and "nothing changed" in again.output  # recorded once
    text = draft(copy, CASE, template)
    assert ("- Neglect toolkit not used by the school\n- Nursery concerns not shared\n"
            in text)
    assert "- Schools briefed on the neglect toolkit\n" in text
    assert "No learning recorded yet" not in text and "No immediate actions" not in text


def test_the_decisions_reasons_are_recorded_and_quoted(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    before = draft(copy, "LSCP-2026-002", "panel-outcome")
    assert ("[Give the reasons (`lscp record LSCP-2026-002 decision 2026-06-18 --outcome "
            'no-cspr --text "..."` records them)') in before
    recorded = run("--dir", str(copy), "record", "LSCP-2026-002", "decision", "2026-06-18",
                   "--outcome", "no-cspr", "--text", "The 2025 thematic review holds the "
                   "learning.")
    assert recorded.exit_code == 0, recorded.output
    result = run("--dir", str(copy), "draft", "LSCP-2026-002", "panel-outcome", "--stdout",
                 "--date", "2026-11-27")
    assert ("that there should be no Child Safeguarding Practice Review. Their reasons: The "
            "2025 thematic review holds the learning.") in result.stdout
    assert "[Give the reasons" not in result.stdout
    assert 'The letter quotes the decision\'s reasons: "The 2025 thematic review' in (
        result.stderr)


def test_rapid_review_items_need_their_text_and_a_rapid_review(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    empty = run("--dir", str(copy), "record", CASE, "immediate-action")
    assert empty.exit_code == 1 and "--text" in empty.stderr
    no_review = run("--dir", str(copy), "record", "LSCP-2026-005", "rr-learning", "--text", "x")
    assert no_review.exit_code == 1 and "needs no Rapid Review" in no_review.stderr


def test_a_withheld_reports_letter_reason_is_recorded_apart_from_the_partners_own(
        tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    internal = "FICTIONAL: the sibling C.D. at Example Primary would be identified"
    withheld = run("--dir", str(copy), "record", CASE, "not-published", "--reason", internal)
    assert withheld.exit_code == 0, withheld.output
    gap = draft(copy, CASE, "publication-notice")
    assert internal not in gap
    assert f'`lscp record {CASE} not-published --letter-reason "..."`' in gap
    # Adding the letter's reason with --correct (audit of issue 18): the step is recorded,
    # only the new field would be added; the refusal said "this not-published is not recorded".
    corrected = run("--dir", str(copy), "record", CASE, "not-published", "--letter-reason",
                    "Publishing the report would identify a child in the family.", "--correct",
                    "--reason", "adding the letter's reason")
    assert corrected.exit_code == 1, corrected.output
    said = " ".join(corrected.stderr.split())
    assert ("this not-published is recorded, and only 'cspr.not_published_letter_reason' is not "
            "recorded yet (it would be added, not changed), so there is nothing to correct: "
            "leave out --correct and --reason") in said
    added = run("--dir", str(copy), "record", CASE, "not-published", "--letter-reason",
                "Publishing the report would identify a child in the family.")
    assert added.exit_code == 0, added.output
    result = run("--dir", str(copy), "draft", CASE, "publication-notice", "--stdout",
                 "--date", "2026-11-27")
    text = " ".join(result.stdout.split())
    assert "Their reason: Publishing the report would identify a child in the family." in text
    assert internal not in text
    assert "The letter quotes the reason for the letter" in result.stderr
    # Changing it is a correction, like any recorded step.
    again = run("--dir", str(copy), "record", CASE, "not-published", "--letter-reason", "Other.")
    assert again.exit_code == 1
    fixed = run("--dir", str(copy), "record", CASE, "not-published", "--letter-reason",
                "Other words.", "--correct", "--reason", "shorter")
    assert fixed.exit_code == 0, fixed.output
    assert "Their reason: Other words." in draft(copy, CASE, "publication-notice")


def test_every_rapid_review_gap_names_the_command_that_fills_it(tmp_path: Path) -> None:
    """Audit of issue 18: the meeting, the recommendation, the decision and its reasons,
    not yet recorded, each leave a gap naming its `lscp record` command (the decision's
    said only 'record it in the case file', the others nothing)."""
    copy = examples_copy(tmp_path)
    made = run("--dir", str(copy), "new-incident", "--no-input", "--type", "serious-harm",
               "--aware", "2026-11-02", "--abuse-or-neglect", "suspected", "--area", "in-area",
               "--child-initials", "P.Q.", "--child-dob", "2020-05-01",
               "--child-looked-after", "no")
    assert made.exit_code == 0, made.output
    case = made.stdout.strip()

    def both() -> str:
        return "\n".join(" ".join(draft(copy, case, template).split())
                         for template in ("panel-outcome", "rapid-review-summary"))

    for event in ("panel-notified", "rag-meeting"):
        text = both()
        if event == "rag-meeting":
            assert (f"[The Review Advisory Group's meeting is not recorded yet: `lscp record "
                    f"{case} rag-meeting DATE`.]") in text
        assert run("--dir", str(copy), "record", case, event, "2026-11-04").exit_code == 0
    text = both()
    assert (f"[Its recommendation is not recorded yet: `lscp record {case} recommendation DATE "
            "--outcome cspr` (or no-cspr, other-review).]") in text
    assert text.count(f"`lscp record {case} recommendation DATE") == 2  # in both letters
    decide = (f'`lscp record {case} decision DATE --outcome cspr --text "its reasons"` (or '
              "no-cspr, other-review).]")
    assert ("[The decision is not recorded yet: record it before sending this letter with "
            + decide) in text
    assert f"[Decision not recorded yet: {decide}" in text
    assert "record it in the case file" not in text
    for event in ("recommendation", "decision"):
        assert run("--dir", str(copy), "record", case, event, "2026-11-05", "--outcome",
                   "cspr").exit_code == 0
    reasons = (f'`lscp record {case} decision 2026-11-05 --outcome cspr --text "..."` records '
               "them for this letter.]")
    text = both()
    assert f"[Their reasons: {reasons}" in text and f"[Its reasons: {reasons}" in text
    assert run("--dir", str(copy), "record", case, "decision", "2026-11-05", "--outcome", "cspr",
               "--text", "Agencies did not share the nursery's concerns.").exit_code == 0
    text = both()
    assert "records them for this letter" not in text
    assert "Their reasons: Agencies did not share the nursery's concerns." in text
