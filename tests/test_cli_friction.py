"""Smaller friction (issue 9): "did you mean" for a misspelt event, option value or template;
choices in any case (`--outcome CSPR`); `--note` on every event, shown in the timeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT
from lscp_cli.model.event_options import EventOptions
from lscp_cli.model.events import EVENTS, check_options

Run = Callable[..., Result]
CASE = "LSCP-2025-001"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("record", CASE, "rag-meting", "2025-01-10"), "'rag-meting': did you mean 'rag-meeting'?"),
        (("record", CASE, "panel-notifed"), "'panel-notifed': did you mean 'panel-notified'?"),
        (("record", CASE, "decision", "2025-01-10", "--outcome", "cspt"),
         "'cspt': did you mean 'cspr'? (one of 'cspr', 'no-cspr', 'other-review')"),
        (("deadlines", "--format", "jsno"), "'jsno': did you mean 'json'?"),
        (("new-incident", "--no-input", "--type", "serius-harm"),
         "'serius-harm': did you mean 'serious-harm'?"),
        (("record", CASE, "lunch"), "'lunch' is not one of 'panel-notified', "),
    ],
)
def test_did_you_mean(args: tuple[str, ...], message: str, run: Run,
                      write_case: Callable[..., Path]) -> None:
    path = write_case()
    before = path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize("args", [("draft", CASE, "panel-notifcation"),
                                  ("templates", "show", "panel-notifcation")])
def test_did_you_mean_a_template(args: tuple[str, ...], run: Run,
                                 write_case: Callable[..., Path]) -> None:
    write_case()
    result = run(*args)
    assert result.exit_code == 1
    assert ("no template called 'panel-notifcation'; did you mean 'panel-notification'?"
            in result.stderr)


def test_choices_in_any_case(run: Run, write_case: Callable[..., Path]) -> None:
    path = write_case()
    result = run("record", CASE, "decision", "2025-01-10", "--outcome", "CSPR")
    assert result.exit_code == 0, result.output
    assert 'decision = "cspr"' in path.read_text(encoding="utf-8")
    assert json.loads(run("deadlines", "--format", "JSON").stdout)
    result = run("new-incident", "--no-input", "--type", "Serious-Harm", "--aware",
                 "2025-01-06", "--child-initials", "C.D.", "--abuse-or-neglect", "SUSPECTED")
    assert result.exit_code == 0, result.output
    text = (path.parent / f"{result.stdout.strip()}.toml").read_text(encoding="utf-8")
    assert 'type = "serious-harm"' in text and 'abuse_or_neglect = "suspected"' in text


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_takes_a_note(event: str) -> None:
    check_options(event, EventOptions(note="a note"))  # refused before: it would be lost


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("rag-meeting", "2025-01-10"),
         "Fri 10 Jan 2025  Note (rag-meeting): quorate; police absent"),
        (("panel-notified", "2025-01-06", "--reference", "SI-1"),
         "Mon 6 Jan 2025  Note (panel-notified): quorate; police absent"),
        (("agency-requested", "2025-01-06", "--agency", "West Yorkshire Police"),
         "Mon 6 Jan 2025  Note (agency-requested): quorate; police absent"),
        (("decision", "2025-01-10", "--outcome", "no-cspr"),
         "Fri 10 Jan 2025  Note (decision): quorate; police absent"),
    ],
)
def test_a_note_on_a_step_is_kept_and_shown_in_the_timeline(
        args: tuple[str, ...], line: str, run: Run, write_case: Callable[..., Path]) -> None:
    path = write_case()
    result = run("record", CASE, *args, "--note", "quorate;  police absent")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "[[event_notes]]" in text and 'note = "quorate; police absent"' in text
    assert "# officer's comment on the type" in text  # comments survive
    show = run("show", CASE, "--as-of", "2025-02-01")
    assert show.exit_code == 0, show.output
    timeline = show.stdout.split("Timeline", 1)[1].split("\n\n", 1)[0]
    lines = [row.strip() for row in timeline.splitlines() if row.strip()]
    assert line in lines
    step = lines.index(line) - 1
    assert lines[step].startswith(line[:10])  # right after its step, on the same day
    assert run("check").exit_code == 0
    # Once only: the same command run again changes nothing.
    again = run("record", CASE, *args, "--note", "quorate; police absent")
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert path.read_text(encoding="utf-8").count("[[event_notes]]") == 1
    # Not yet written as of the day before the step.
    before = json.loads(run("show", CASE, "--as-of", "2025-01-05", "--format", "json").stdout)
    assert not any("Note" in e["event"] for e in before["timeline"])


def test_a_note_in_the_audit_log_and_json(run: Run, write_case: Callable[..., Path],
                                          casebook_dir: Path) -> None:
    write_case()
    result = run("record", CASE, "partners-notified", "2025-01-06", "--note", "by email")
    assert result.exit_code == 0, result.output
    view = json.loads(run("show", CASE, "--format", "json").stdout)
    assert {"date": "2025-01-06", "event": "Note (partners-notified): by email"} in (
        view["timeline"])
    assert view["case"]["event_notes"] == [{"date": "2025-01-06", "event": "partners-notified",
                                            "note": "by email"}]
    entries = json.loads(run("log", CASE, "--format", "json").stdout)
    assert entries[-1]["field"] == "event_notes[1]"


def test_events_with_a_note_of_their_own_keep_it_there(run: Run,
                                                        write_case: Callable[..., Path]) -> None:
    path = write_case(CASE_TEXT)
    result = run("record", CASE, "panel-response", "2025-01-06", "--note", "Panel agrees")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert 'panel_response_note = "Panel agrees"' in text and "event_notes" not in text
