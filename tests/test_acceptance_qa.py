"""Defects found walking the README as a new business-support officer would (qa-officer)."""

from __future__ import annotations

from pathlib import Path

from conftest import CASE_TEXT

CLOSED_FORCED = CASE_TEXT + """
[[actions]]
text = "Fictional action"
owner = "West Yorkshire Police"
added = 2025-01-20
due = 2025-12-31
"""


def test_outcome_and_choices_ignore_case(run, write_case, casebook_dir: Path) -> None:
    # "CSPR" is an acronym: an officer types it in capitals.
    write_case()
    result = run("record", "LSCP-2025-001", "decision", "22/01/2025", "--outcome", "CSPR",
                 env={"LSCP_TODAY": "2025-01-23"})
    assert result.exit_code == 0, result.output
    text = (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text(encoding="utf-8")
    assert 'decision = "cspr"' in text
    result = run("new-incident", "--no-input", "--type", "Serious-Harm", "--aware", "03/01/2025",
                 "--child-initials", "a.b.", "--abuse-or-neglect", "Suspected")
    assert result.exit_code == 0, result.output
    new_id = result.output.split()[0]
    text = (casebook_dir / "cases" / f"{new_id}.toml").read_text(encoding="utf-8")
    assert 'type = "serious-harm"' in text and 'abuse_or_neglect = "suspected"' in text


def test_deadlines_overdue_with_nothing_overdue_does_not_say_nothing_is_due(
        run, write_case) -> None:
    write_case()
    result = run("deadlines", "--overdue", "--as-of", "06/01/2025")
    assert result.exit_code == 0, result.output
    assert "no open deadlines" not in result.output
    assert "Nothing overdue" in result.output
    result = run("deadlines", "--within", "1", "--as-of", "06/01/2025")
    assert "no open deadlines" not in result.output
    assert "Nothing due within 1 working day" in result.output
    result = run("deadlines", "--case", "LSCP-2025-009", "--as-of", "06/01/2025")
    assert "LSCP-2025-009" in result.output


def test_list_open_with_only_closed_cases_does_not_say_no_cases_yet(run, write_case) -> None:
    write_case(CLOSED_FORCED)
    result = run("record", "LSCP-2025-001", "closed", "20/01/2025", "--force",
                 env={"LSCP_TODAY": "2025-01-21"})
    assert result.exit_code == 0, result.output
    result = run("list", "--open")
    assert result.exit_code == 0, result.output
    assert "No cases yet" not in result.output
    assert "No open cases" in result.output


def test_overdue_action_letter_does_not_ask_about_a_date_gone_by(run, write_case) -> None:
    write_case(CLOSED_FORCED.replace("2025-12-31", "2025-03-31"))
    result = run("draft", "LSCP-2025-001", "action-update-request", "--action", "1", "--stdout",
                 "--date", "16/06/2025", env={"LSCP_TODAY": "2025-06-16"})
    assert result.exit_code == 0, result.output
    assert "Overdue" in result.output
    assert "Whether the action will be completed by Monday 31 March 2025" not in result.output
    assert "why it was not completed by Monday 31 March 2025" in result.output
    # Not yet due: the question about the due date stays.
    result = run("draft", "LSCP-2025-001", "action-update-request", "--action", "1", "--stdout",
                 "--date", "03/02/2025", "--force", env={"LSCP_TODAY": "2025-02-03"})
    assert "Whether the action will be completed by Monday 31 March 2025" in result.output


def test_care_leaver_notification_is_addressed_to_the_secretary_of_state_and_ofsted(
        run) -> None:
    result = run("new-incident", "--no-input", "--type", "care-leaver-death", "--aware",
                 "25/08/2025", "--child-initials", "M.N.", "--child-dob", "10/10/2003",
                 env={"LSCP_TODAY": "2025-08-26"})
    assert result.exit_code == 0, result.output
    result = run("draft", "LSCP-2025-001", "panel-notification", "--stdout",
                 env={"LSCP_TODAY": "2025-08-26"})
    assert result.exit_code == 0, result.output
    head = result.output.split("# Notification")[0]
    assert "Secretary of State for Education" in head and "Ofsted" in head
    assert "Child Safeguarding Practice Review Panel" not in head


def test_not_suspected_death_outline_placeholder_does_not_ask_why_abuse_is_suspected(
        run) -> None:
    result = run("new-incident", "--no-input", "--type", "death", "--aware", "22/08/2025",
                 "--child-initials", "K.L.", "--looked-after", "--abuse-or-neglect",
                 "not-suspected", env={"LSCP_TODAY": "2025-08-26"})
    assert result.exit_code == 0, result.output
    for template in ("partners-notification", "panel-notification"):
        result = run("draft", "LSCP-2025-001", template, "--stdout",
                     env={"LSCP_TODAY": "2025-08-26"})
        assert result.exit_code == 0, result.output
        assert "known or suspected.]" not in result.output, template


def test_check_does_not_suggest_a_made_up_due_date(run, write_case) -> None:
    write_case(CLOSED_FORCED.replace("due = 2025-12-31\n", ""))
    result = run("check")
    assert "no due date" in result.output
    assert "2025-10-31" not in result.output


def test_no_final_report_deadline_before_the_cspr_decision(run, write_case) -> None:
    # The publication plan recorded in June: as of 13 January no CSPR had been decided, so
    # there is no final report to send (the CSPR's own publication deadline is already gone).
    write_case(CASE_TEXT + """
[rapid_review]
decision = "cspr"
decision_date = 2025-01-22

[cspr]
commissioned = 2025-02-14
publication_planned = 2025-07-17
""")
    early = run("deadlines", "--as-of", "13/01/2025")
    assert early.exit_code == 0, early.output
    assert "Complete and publish the CSPR" not in early.output
    assert "Final report to the Panel" not in early.output
    later = run("deadlines", "--as-of", "16/06/2025")
    assert "Final report to the Panel" in later.output


def test_record_on_a_mistyped_id_leaves_no_lock_file(run, write_case, casebook_dir: Path) -> None:
    write_case()
    result = run("record", "LSCP-2025-009", "panel-notified", "06/01/2025",
                 env={"LSCP_TODAY": "2025-01-08"})
    assert result.exit_code == 1
    assert "no case LSCP-2025-009" in result.output
    assert not list((casebook_dir / "cases").glob("*2025-009*"))


def test_in_area_prompt_asks_about_the_local_authority_area(run) -> None:
    # "in the area (not outside England)" read as yes for a Leeds child harmed in Bradford, and
    # the notification then says "In the local authority's area: Yes".
    answers = "\n".join(["serious-harm", "", "06/01/2025", "Leeds", "y", "A.B.", "", "", "",
                         "n", "", "", "", "n", "suspected", "", "", ""]) + "\n"
    result = run("new-incident", input=answers, env={"LSCP_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "not outside England" not in result.output
    assert "in Leeds City Council's area" in result.output
    assert "outside England" in result.output  # when to answer no
