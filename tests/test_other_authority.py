"""A child of this area harmed elsewhere in England (issue 18): the local authority where it
happened notifies the Panel (Children Act 2004 s16C(1), SOURCES.md), so this one has no Panel
notification deadline, records that authority's notification and reference, and says so in
show, check, the deadlines and the letters."""

from __future__ import annotations

import json
import sys

from conftest import CASE_TEXT

ELSEWHERE = CASE_TEXT.replace("in_area = true", 'in_area = "elsewhere-in-england"')
CASE = "LSCP-2025-001"
TODAY = {"LSCP_TODAY": "2025-01-20"}


def _deadlines(run) -> dict[str, dict]:
    result = run("deadlines", "--case", CASE, "--all", "--format", "json", env=TODAY)
    return {row["milestone"]: row for row in json.loads(result.stdout)}


def _notified(run) -> None:
    result = run("record", CASE, "other-authority-notified", "07/01/2025", "--authority",
                 "Bradford Council", "--reference", "SI-77", env=TODAY)
    assert result.exit_code == 0, result.output


def test_no_panel_notification_is_due_from_this_authority(run, write_case) -> None:
    write_case(ELSEWHERE)
    rows = _deadlines(run)
    assert "panel-notification" not in rows
    assert "partners-notification" in rows
    assert rows["rapid-review"]["provisional"] is True
    shown = " ".join(run("show", CASE, env=TODAY).stdout.split())
    assert "no: elsewhere in England (that authority notifies the Panel)" in shown
    assert "that authority notifies the Panel (Children Act 2004 s16C(1))" in shown
    assert "`lscp record LSCP-2025-001 other-authority-notified DATE`" in shown
    assert "Notify the National Panel: the incident happened in another local authority's " \
           "area in England" in shown
    assert run("check").exit_code == 0


def test_the_other_authoritys_notification_is_recorded_with_its_reference(run,
                                                                           write_case) -> None:
    write_case(ELSEWHERE)
    refused = run("record", CASE, "panel-notified", "07/01/2025", env=TODAY)
    assert refused.exit_code == 1
    assert "that authority notifies the Panel, not this one (Children Act 2004 s16C(1))" in (
        refused.output)
    assert "`lscp record LSCP-2025-001 other-authority-notified DATE --authority NAME " \
           "--reference REF`" in refused.output
    _notified(run)
    rows = _deadlines(run)
    rapid = rows["rapid-review"]
    assert rapid["provisional"] is False
    assert rapid["due"] == "2025-01-28"  # 15 working days after 7 January
    assert "the Panel notification by the authority where it happened" in rapid["basis"]
    shown = " ".join(run("show", CASE, env=TODAY).stdout.split())
    assert "National Panel notified by Bradford Council (their reference SI-77)" in shown
    assert "its notification is recorded" in shown
    assert "awaiting Panel notification" not in run("list", env=TODAY).stdout


def test_the_step_is_only_for_a_child_harmed_elsewhere_in_england(run, write_case) -> None:
    write_case()
    result = run("record", CASE, "other-authority-notified", "07/01/2025", "--authority",
                 "Bradford Council", env=TODAY)
    assert result.exit_code == 1
    assert "`lscp set ID in_area elsewhere-in-england` first" in result.output
    assert run("set", CASE, "in_area", "elsewhere-in-england").exit_code == 0
    assert run("check").exit_code == 0
    assert "panel-notification" not in _deadlines(run)


def test_letters_name_the_authority_that_notified(run, write_case) -> None:
    write_case(ELSEWHERE)
    refused = run("draft", CASE, "panel-notification", "--stdout", env=TODAY)
    assert refused.exit_code == 1
    assert "that authority notifies the Panel" in refused.output
    gap = run("draft", CASE, "partners-notification", "--stdout", env=TODAY).stdout
    assert "[Its notification is not recorded yet: `lscp record LSCP-2025-001 " \
           "other-authority-notified DATE --authority NAME --reference REF`.]" in gap
    assert "Leeds City Council is to notify" not in gap
    _notified(run)
    for template in ("partners-notification", "panel-outcome", "rapid-review-summary"):
        letter = run("draft", CASE, template, "--stdout", env=TODAY).stdout
        assert "Our reference: LSCP-2025-001 (National Panel reference SI-77, Bradford " \
               "Council's notification)" in letter, template
        assert "Leeds City Council notified" not in letter, template
        assert "Bradford Council" in letter.split("Our reference")[1].split("\n", 1)[1], template
    partners = run("draft", CASE, "partners-notification", "--stdout", env=TODAY).stdout
    assert ("Bradford Council notified the Child Safeguarding Practice Review Panel on Tuesday "
            "7 January 2025 (its reference SI-77): the incident happened in its area") in partners


def test_new_incident_takes_the_third_area(run) -> None:
    from test_cli_cases import NEW

    result = run(*NEW, "--area", "elsewhere-in-england", env=TODAY)
    assert result.exit_code == 0, result.output
    case = result.stdout.strip()
    assert "Notify the National Panel" not in result.stderr  # no next deadline of ours
    rows = json.loads(run("deadlines", "--case", case, "--all", "--format", "json",
                          env=TODAY).stdout)
    assert "panel-notification" not in {row["milestone"] for row in rows}


def _check_lines(run) -> list[str]:
    result = run("check", env=TODAY)
    assert result.exit_code == 1, result.output
    return [" ".join(line.split()) for line in result.output.splitlines()]


def test_check_reports_this_authoritys_notification_for_an_incident_elsewhere(
        run, write_case) -> None:
    # Hand-edited: the incident happened in another English authority's area, yet the case
    # says this authority notified the Panel (which `record panel-notified` refuses there).
    path = write_case(ELSEWHERE + '\n[notification]\npanel = 2025-01-07\n'
                      'panel_reference = "SI-9"\n')
    lines = _check_lines(run)
    line = path.read_text().splitlines().index("panel = 2025-01-07") + 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:{line}: 'notification.panel' is recorded (this "
                               "authority's notification), but 'incident.in_area' is "
                               "elsewhere-in-england: the authority where the incident happened "
                               "notifies the Panel, not this one (Children Act 2004 s16C(1))")
    assert ("`lscp record LSCP-2025-001 other-authority-notified DATE --authority NAME "
            "--reference REF`") in lines[0]
    assert "remove 'notification.panel' and 'notification.panel_reference'" in lines[0]
    assert "SI-9" not in lines[0]  # names fields, never the case's values


def test_check_reports_another_authoritys_notification_for_an_incident_here(
        run, write_case) -> None:
    path = write_case(CASE_TEXT + '\n[notification]\nother_authority_notified = 2025-01-07\n'
                      'other_authority = "Bradford Council"\n')
    lines = _check_lines(run)
    line = path.read_text().splitlines().index("other_authority_notified = 2025-01-07") + 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:{line}: 'notification.other_authority_notified' is "
                               "recorded (another authority's notification), but "
                               "'incident.in_area' is not elsewhere-in-england")
    assert "`lscp set LSCP-2025-001 in_area elsewhere-in-england`" in lines[0]
    assert "Bradford" not in lines[0]


def test_a_care_leavers_notification_stays_this_authoritys_wherever_it_happened(
        run, write_case) -> None:
    # The care leaver's notice to the Secretary of State and Ofsted shares notification.panel.
    text = ELSEWHERE.replace('type = "serious-harm"', 'type = "care-leaver-death"').replace(
        "date_of_birth = 2024-04-02", "date_of_birth = 2005-04-02")  # 19: a care leaver
    assert text.count("2005-04-02") == 1 and "care-leaver-death" in text
    write_case(text + '\n[notification]\npanel = 2025-01-07\n')
    result = run("check", env=TODAY)
    assert result.exit_code == 0, result.output


def test_the_area_set_elsewhere_after_this_authority_notified_is_said(run, write_case) -> None:
    write_case()
    assert run("record", CASE, "panel-notified", "07/01/2025", "--reference", "SI-9",
               env=TODAY).exit_code == 0
    result = run("set", CASE, "in_area", "elsewhere-in-england", env=TODAY)
    assert result.exit_code == 0, result.output  # the fact is saved: it is what happened
    said = " ".join(result.stderr.split())
    assert "warning:" in said
    assert "'notification.panel' is recorded (this authority's notification)" in said
    assert "other-authority-notified" in said
    assert "'notification.panel' is recorded" in _check_lines(run)[0]


def test_edit_refuses_this_authoritys_notification_for_an_incident_elsewhere(
        run, write_case, monkeypatch, tmp_path) -> None:
    write_case(ELSEWHERE)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write("
                      "'\\n[notification]\\npanel = 2025-01-07\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    result = run("edit", CASE, env=TODAY)
    assert result.exit_code == 1
    assert "'notification.panel' is recorded (this authority's notification)" in " ".join(
        result.output.split())


def test_a_script_is_told_the_fix_in_its_own_words(write_case, casebook_dir,
                                                    monkeypatch) -> None:
    """The library speaks to a script (`Casebook.check`), never in command lines."""
    from lscp_cli import Casebook

    monkeypatch.setenv("LSCP_TODAY", TODAY["LSCP_TODAY"])
    write_case(CASE_TEXT + '\n[notification]\nother_authority_notified = 2025-01-07\n')
    write_case(ELSEWHERE.replace("LSCP-2025-001", "LSCP-2025-002")
               + '\n[notification]\npanel = 2025-01-07\n', "LSCP-2025-002")
    said = sorted(str(problem) for problem in Casebook(casebook_dir).check().problems)
    assert len(said) == 2, said
    assert "casebook.set_detail(ID, 'in_area', ['elsewhere-in-england'])" in said[0]
    assert "casebook.record(ID, Event.OTHER_AUTHORITY_NOTIFIED" in said[1]
    assert "`lscp set" not in said[0] and "`lscp record" not in said[1]
