"""`lscp set ID FIELD VALUE`: the Panel form's details, validated and audited; steps and the
facts every duty hangs on refused with the command to use; a child's name never echoed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

TWO_CHILDREN = CASE_TEXT + '\n[[children]]\ninitials = "C.D."\ndate_of_birth = 2020-05-01\n'


def _case(casebook_dir: Path) -> str:
    return (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "line", "said"),
    [
        (["sex", "Female"], 'sex = "female"', "Child 1: sex = female"),
        (["looked-after", "unknown"], 'looked_after = "unknown"',
         "Child 1: looked after = unknown (was no)"),
        (["children[1].child_protection_plan", "yes"], "child_protection_plan = true",
         "Child 1: child protection plan = yes"),
        (["child_in_need_plan", "N"], "child_in_need_plan = false",
         "Child 1: child in need plan = no"),
        (["ethnicity", "White", "British"], 'ethnicity = "White British"',
         "Child 1: ethnicity = White British"),
        (["lives_in", "Leeds"], 'lives_in = "Leeds"', "Child 1: lives in = Leeds"),
        (["incident.in_area", "unknown"], 'in_area = "unknown"',
         "In the local authority's area = unknown (was in-area)"),
        (["in_area", "outside-england"], "in_area = false", "= outside-england (was in-area)"),
        (["documents", "Chronology", "Strategy discussion record"],
         'documents = ["Chronology", "Strategy discussion record"]',
         "Documents sent with the notification = Chronology; Strategy discussion record"),
        (["notification.documents", "none"], "documents = []", "= none"),
        (["action_taken", "Siblings safe with family"], 'action_taken = "Siblings safe',
         "Immediate safeguarding action taken = Siblings safe with family"),
        (["incident.time", "14:30"], 'time = "14:30"', "Time of the incident = 14:30"),
    ],
)
def test_set_writes_the_detail_and_says_it(run, write_case, casebook_dir: Path,
                                           args: list[str], line: str, said: str) -> None:
    write_case()
    result = run("set", "LSCP-2025-001", *args)
    assert result.exit_code == 0, result.output
    assert said in result.stdout
    text = _case(casebook_dir)
    assert line in text
    assert "# officer's comment on the type" in text  # the officer's layout survives
    assert run("check").exit_code == 0


def test_set_is_audited_with_the_chain_and_its_reason(run, write_case) -> None:
    write_case()
    run("set", "LSCP-2025-001", "sex", "male")
    result = run("set", "LSCP-2025-001", "sex", "female", "--reason", "typed the wrong one")
    assert result.exit_code == 0, result.output
    assert "Child 1: sex = female (was male)" in result.stdout
    entries = json.loads(run("log", "LSCP-2025-001", "--format", "json").stdout)
    last = entries[-1]
    assert (last["action"], last["field"], last["old"], last["new"]) == (
        "set", "children[1].sex", "male", "female")
    assert last["reason"] == "typed the wrong one"
    verified = run("verify")
    assert verified.exit_code == 0, verified.output
    again = run("set", "LSCP-2025-001", "sex", "female")
    assert "already recorded; nothing changed" in again.stdout


def test_set_a_childs_detail_names_the_child(run, write_case, casebook_dir: Path) -> None:
    write_case(TWO_CHILDREN)
    refused = run("set", "LSCP-2025-001", "sex", "male")
    assert refused.exit_code == 2
    assert "the case has 2 children: say which with --child N" in refused.output
    assert run("set", "LSCP-2025-001", "sex", "male", "--child", "2").exit_code == 0
    assert run("set", "LSCP-2025-001", "children[1].sex", "female").exit_code == 0
    text = _case(casebook_dir)
    first, second = text.split('initials = "C.D."')
    assert 'sex = "female"' in first and 'sex = "male"' in second
    clash = run("set", "LSCP-2025-001", "children[1].sex", "male", "--child", "2")
    assert clash.exit_code == 2 and "name different children" in clash.output
    missing = run("set", "LSCP-2025-001", "sex", "male", "--child", "3")
    assert missing.exit_code == 2
    assert "there is no child 3; add a child with `initials --child 3`" in missing.output


def test_set_adds_a_child_by_initials_never_echoing_a_name(run, write_case,
                                                           casebook_dir: Path) -> None:
    write_case()
    refused = run("set", "LSCP-2025-001", "initials", "Lily", "--child", "2")
    assert refused.exit_code == 2
    assert "Lily" not in refused.output and "never a name" in refused.output
    assert 'Lily' not in _case(casebook_dir)
    added = run("set", "LSCP-2025-001", "initials", "e.f.", "--child", "2")
    assert added.exit_code == 0, added.output
    assert "Child 2: initials = E.F." in added.stdout
    assert _case(casebook_dir).count("[[children]]") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["panel_reference", "SI-1"], "recorded with a step: `lscp record LSCP-2025-001 "
         "panel-notified"),
        (["notification.panel", "06/01/2025"], "`lscp record LSCP-2025-001 panel-notified"),
        (["agencies[1].received", "06/01/2025"], "`lscp record LSCP-2025-001 "
         "agency-returned"),
        (["rapid_review.decision", "cspr"], "`lscp record LSCP-2025-001 decision"),
        (["aware", "06/01/2025"], "change it with `lscp edit LSCP-2025-001`"),
        (["incident.type", "death"], "change it with `lscp edit LSCP-2025-001`"),
        (["colour", "blue"], "lscp set does not know the field 'colour'; it sets these:"),
        (["looked_after", "perhaps"], "children[1].looked_after takes yes, no or unknown "
         "(got 'perhaps')"),
        (["sex", "f"], "children[1].sex takes female, male, unknown"),
        (["in_area", "leeds"], "incident.in_area takes in-area, outside-england, "
         "elsewhere-in-england, unknown"),
        (["time", "2pm"], "incident.time takes HH:MM"),
        (["action_taken", "  "], "give a value"),
        (["action_taken", "x", "--child", "1"], "the case's, not a child's"),
    ],
)
def test_set_refuses_with_the_way_forward(run, write_case, casebook_dir: Path,
                                          args: list[str], message: str) -> None:
    write_case()
    before = _case(casebook_dir)
    result = run("set", "LSCP-2025-001", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert _case(casebook_dir) == before


def test_set_lists_the_settable_fields_with_their_labels(run, write_case) -> None:
    write_case()
    result = run("set", "LSCP-2025-001", "colour", "blue")
    for line in ("children[N].looked_after", "Child N: looked after; yes, no or unknown",
                 "notification.documents", "incident.in_area"):
        assert line in result.output
    assert "Child N: sex" in run("set", "-h").output


def test_set_is_checked_by_the_case_validator(run, write_case, casebook_dir: Path) -> None:
    write_case()
    before = _case(casebook_dir)
    result = run("set", "LSCP-2025-001", "date_of_birth", "01/01/1990")
    assert result.exit_code == 1
    assert "child 1 was 35" in result.output
    assert _case(casebook_dir) == before


def _draft(run, template: str) -> str:
    result = run("draft", "LSCP-2025-001", template, "--stdout", "--date", "2025-01-07")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_panel_form_uses_what_set_recorded_and_says_not_known(run, write_case) -> None:
    write_case(TWO_CHILDREN)
    before = _draft(run, "panel-notification")
    assert ("| Sex | [sex not recorded: `lscp set LSCP-2025-001 sex female/male/unknown "
            "--child 2`] |") in before
    assert "`lscp set LSCP-2025-001 action_taken \"...\"`" in before
    assert "`lscp set LSCP-2025-001 documents none`" in before
    for args in (["sex", "female", "--child", "2"], ["ethnicity", "Mixed", "--child", "2"],
                 ["looked_after", "unknown", "--child", "2"],
                 ["child_protection_plan", "unknown", "--child", "2"],
                 ["lives_in", "Leeds", "--child", "2"], ["in_area", "unknown"],
                 ["documents", "Chronology"], ["action_taken", "Siblings safe with family"]):
        assert run("set", "LSCP-2025-001", *args).exit_code == 0
    after = _draft(run, "panel-notification")
    child_2 = after.split("### Child 2 of 2")[1].split("## The incident")[0]
    for row in ("| Sex | Female |", "| Ethnicity | Mixed |",
                "| Looked after by a local authority | Not known |",
                "| Child protection plan | Not known |", "| Lives or is placed in | Leeds |"):
        assert row in child_2
    assert "| In the local authority's area | Not known |" in after
    assert "- Chronology" in after and "Siblings safe with family" in after
    assert "sex female/male/unknown --child 2" not in after


def test_unknown_is_never_read_as_yes(run, write_case) -> None:
    write_case(CASE_TEXT.replace("looked_after = false", 'looked_after = "unknown"\n'
                                 'child_protection_plan = "unknown"'))
    partners = _draft(run, "partners-notification")
    assert "looked after" not in partners and "child protection plan" not in partners
    summary = _draft(run, "rapid-review-summary")
    assert "| Not known | Not known |" in summary


def test_show_says_a_status_not_known(run, write_case) -> None:
    write_case()
    run("set", "LSCP-2025-001", "looked_after", "unknown")
    shown = run("show", "LSCP-2025-001").stdout
    assert "looked after: not known" in shown
    run("set", "LSCP-2025-001", "looked_after", "no")
    assert "looked after" not in run("show", "LSCP-2025-001").stdout


def test_help_says_the_flags_never_the_two_way_marks(run: Callable[..., Result]) -> None:
    """The field list is the library's (model/details.py, said() inside): the command line's
    help shows its flags, never the marks that hold both ways (errors.said)."""
    shown = run("set", "--help").output
    assert "FIELD --child N: sex --child 2" in shown
    assert "\u00ab" not in shown and "child=N" not in shown
