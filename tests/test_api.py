"""lscp as a library: a script asks a casebook what is due, without the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import without_stamp
from lscp_cli import Casebook, Deadline
from lscp_cli.errors import CasebookError, CaseNotFound, ConcurrentEdit, InvalidEvent

D = date
BASIS_PANEL = "15 working days after the Panel notification on 2025-01-06"


@pytest.fixture
def book(casebook_with: Callable[..., Path]) -> Path:
    return casebook_with("notified", "new-death", "closed")


def test_what_is_due_without_the_cli(book: Path) -> None:
    rows = Casebook.locate(book).deadlines(as_of=D(2025, 1, 14))
    assert [(r.case, r.milestone, r.agency, r.due, r.status, r.working_days_left)
            for r in rows] == [
        ("LSCP-2025-001", "partners-notification", None, D(2025, 1, 10), "overdue", -2),
        ("LSCP-2025-001", "agency-return", "Leeds Community Healthcare", D(2025, 1, 13),
         "overdue", -1),
        ("LSCP-2025-002", "panel-notification", None, D(2025, 1, 15), "due-soon", 1),
        ("LSCP-2025-002", "partners-notification", None, D(2025, 1, 15), "due-soon", 1),
        ("LSCP-2025-001", "rapid-review", None, D(2025, 1, 27), "pending", 9),
        ("LSCP-2025-002", "rapid-review", None, D(2025, 1, 29), "pending", 11),
    ]
    assert rows.problems == []
    rapid = rows[4]
    assert rapid == Deadline(
        case="LSCP-2025-001", milestone="rapid-review", label=rapid.label, due=D(2025, 1, 27),
        met=None, status="pending", working_days_left=9, provisional=False, basis=BASIS_PANEL,
        source=rapid.source,
    )
    assert rows[5].provisional and rows[5].basis == (
        "15 working days after the local authority became aware on 2025-01-08; provisional "
        "until the Panel notification is recorded")


def test_the_library_does_not_need_the_cli(book: Path) -> None:
    # A fresh interpreter: importing the library and asking it must not pull in click.
    import subprocess

    script = (
        "import sys\nfrom datetime import date\nfrom lscp_cli import Casebook\n"
        f"rows = Casebook.locate({str(book)!r}).deadlines(as_of=date(2025, 1, 14))\n"
        "print(len(rows), rows[0].case, rows[0].milestone)\n"
        "print('click' in sys.modules, 'rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out == "6 LSCP-2025-001 partners-notification\nFalse False\n"


def test_filters_mirror_the_command_options(book: Path) -> None:
    casebook = Casebook.locate(book)
    as_of = D(2025, 1, 14)
    assert [r.milestone for r in casebook.deadlines(as_of, overdue_only=True)] == [
        "partners-notification", "agency-return"]
    assert [r.case for r in casebook.deadlines(as_of, within=1)] == [
        "LSCP-2025-001", "LSCP-2025-001", "LSCP-2025-002", "LSCP-2025-002"]
    one = casebook.deadlines(as_of, case="2025-002")
    assert {r.case for r in one} == {"LSCP-2025-002"} and len(one) == 3
    everything = casebook.deadlines(as_of, include_met=True)
    met = [r for r in everything if r.is_met]
    assert [(r.milestone, r.met) for r in met] == [
        ("panel-notification", D(2025, 1, 6)), ("agency-return", D(2025, 1, 10))]
    assert "LSCP-2024-007" in {r.case for r in everything}  # closed: only with include_met


def test_next_deadlines_of_a_case(book: Path) -> None:
    casebook = Casebook.locate(book)
    upcoming = casebook.next_deadlines("LSCP-2025-001", as_of=D(2025, 1, 14))
    assert [(d.milestone, d.due) for d in upcoming] == [
        ("partners-notification", D(2025, 1, 10)),
        ("agency-return", D(2025, 1, 13)),
        ("rapid-review", D(2025, 1, 27)),
    ]
    assert casebook.next_deadlines(casebook.load("LSCP-2024-007"), D(2025, 1, 14)) == []


def test_a_bad_file_is_named_not_dropped(book: Path) -> None:
    (book / "cases" / "LSCP-2025-003.toml").write_text('schema = 1\nid = "LSCP-2025-003"\n[in')
    rows = Casebook.locate(book).deadlines(as_of=D(2025, 1, 14))
    assert len(rows) == 6
    assert [p.path.name for p in rows.problems] == ["LSCP-2025-003.toml"]


def test_locate_speaks_to_a_script_in_its_own_words(book: Path, tmp_path: Path) -> None:
    """The library's message never names lscp's flags (`--dir`); the command line's does."""
    inner = book / "cases"
    for folder in (inner, tmp_path / "nowhere", book / "lscp.toml"):
        with pytest.raises(CasebookError) as info:
            Casebook.locate(folder)
        assert "--" not in str(info.value) and "(from the path given)" in str(info.value)
        assert "(from --dir)" in info.value.command_line()
    with pytest.raises(CasebookError) as info:
        Casebook.locate(inner)
    assert f"(Casebook.locate({str(book)!r}))" in str(info.value)
    assert f"(--dir {book})" in info.value.command_line()


def test_locate_follows_the_same_lookup_as_the_commands(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Casebook.locate().root == book  # $LSCP_DIR, set by the isolation fixture
    assert Casebook.locate(str(book)).root == book
    monkeypatch.delenv("LSCP_DIR")
    (book / "lscp.toml").write_text("")
    inner = book / "cases"
    assert Casebook.locate(cwd=inner).root == book  # nearest folder holding lscp.toml
    default = Casebook.locate(cwd=tmp_path)
    assert default.is_default and default.root == Path.home() / "lscp"
    with pytest.raises(CasebookError, match="lscp init"):
        Casebook.locate(tmp_path / "nowhere")
    assert Casebook.locate(tmp_path / "nowhere", must_exist=False).root == tmp_path / "nowhere"
    with pytest.raises(CaseNotFound):
        Casebook.locate(book).next_deadlines("LSCP-2025-099")


def test_calendar_feed_without_the_cli(book: Path) -> None:
    feed = Casebook.locate(book).calendar_feed(D(2025, 1, 14), case="LSCP-2025-001")
    assert feed.problems == []
    assert feed.cancelled == {"LSCP-2025-001/panel-notification",
                              "LSCP-2025-001/agency-return/west-yorkshire-police"}
    text = feed.ics.decode()
    assert text.count("BEGIN:VEVENT") == len(feed.deadlines) == 5
    assert text.count("STATUS:CANCELLED") == 2
    assert "UID:LSCP-2025-001/rapid-review@lscp" in text


def test_edit_session_from_a_script(book: Path) -> None:
    path = book / "cases" / "LSCP-2025-001.toml"
    original = path.read_text()
    path.write_bytes(original.replace("\n", "\r\n").encode())  # saved on Windows
    session = Casebook.locate(book).edit("2025-001")
    assert "\r" not in session.text and session.text == original
    assert session.problems(session.text.replace("2025-01-03", "3rd Jan"))[0].line == 8
    assert not session.changed(original.replace("\n", "\r\n"))
    edited = session.text.replace("requested = 2025-01-06\nreceived = 2025-01-10",
                                  "requested = 2025-01-06\nreceived = 2025-01-09")
    case, changes = session.save(edited)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("agencies[1].received", D(2025, 1, 10), D(2025, 1, 9))]
    assert without_stamp(path.read_bytes()) == edited.replace("\n", "\r\n").encode()
    assert case.data["agencies"][0]["received"] == D(2025, 1, 9)
    with pytest.raises(ConcurrentEdit):  # the session read the file before this save
        session.save(edited.replace("Leeds", "Bradford"))


def test_init_finds_the_casebook_like_every_command(
    run: Callable[..., object], book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import Result

    (book / "lscp.toml").write_text("")
    monkeypatch.delenv("LSCP_DIR")
    monkeypatch.chdir(book / "cases")
    result = run("init")
    assert isinstance(result, Result) and result.exit_code == 0, result.output
    # The casebook above (not ~/lscp, not a new one here) gets its missing folders.
    assert result.stdout == f"Created casebook in {book}\n"
    assert (book / "templates").is_dir() and not (Path.home() / "lscp").exists()
    assert not (book / "cases" / "lscp.toml").exists()


def test_new_incident_and_record_from_a_script(casebook_dir: Path) -> None:
    from lscp_cli import Event
    from lscp_cli.model.intake import NewChild, NewIncident

    casebook = Casebook.locate()
    incident = NewIncident(type="serious-harm", aware=D(2025, 1, 3), abuse_or_neglect="suspected",
                           children=[NewChild(initials="A.B.")])
    case = casebook.new_incident(incident, opened=D(2025, 1, 6))
    assert case.id == "LSCP-2025-001" and incident.warnings == []
    assert casebook.new_incident(incident, opened=D(2025, 1, 7)).id == "LSCP-2025-002"

    done = casebook.record(case.id, Event.PANEL_NOTIFIED, D(2025, 1, 6), reference="SI-12345")
    assert [(c.field, c.new) for c in done.changes] == [
        ("notification.panel", D(2025, 1, 6)), ("notification.panel_reference", "SI-12345")]
    assert done.case.data["notification"]["panel_reference"] == "SI-12345"
    again = casebook.record(case.id, "panel-notified", D(2025, 1, 6), reference="SI-12345")
    assert again.changes == []
    asked = casebook.record(case.id, "agency-requested", D(2025, 1, 6),
                            agencies=("West Yorkshire Police",))
    assert asked.case.data["agencies"][0]["name"] == "West Yorkshire Police"
    assert [d.milestone for d in casebook.next_deadlines(case.id, D(2025, 1, 8))] == [
        "partners-notification", "agency-return", "rapid-review"]
    with pytest.raises(InvalidEvent, match="in the future"):
        casebook.record(case.id, "partners-notified", D(2999, 1, 1))
    with pytest.raises(InvalidEvent, match="unknown event"):
        casebook.record(case.id, "lunch", D(2025, 1, 6))
    # A script is told in its own words (url=...), the command line in flags (--url).
    with pytest.raises(InvalidEvent, match="closed does not use url=") as caught:
        casebook.record(case.id, "closed", D(2025, 1, 6), url="lost otherwise")
    assert "closed does not use --url" in caught.value.command_line()
    assert casebook.load(case.id).is_open


def test_new_incident_warns_about_not_suspected() -> None:
    from lscp_cli.model.intake import NewChild, NewIncident

    harm = NewIncident(type="serious-harm", aware=D(2025, 1, 3),
                       abuse_or_neglect="not-suspected", children=[NewChild(initials="A.B.")])
    assert "looked-after child" in harm.warnings[0]
    death = NewIncident(type="death", aware=D(2025, 1, 3), abuse_or_neglect="not-suspected",
                        children=[NewChild(initials="A.B.", looked_after=True)])
    assert death.warnings == []


def test_readme_example_runs(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    exec(example.replace('"~/lscp"', repr(str(book))), {})  # noqa: S102  (our own README)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("LSCP-2025-001 Report to the safeguarding partners 2025-01-10 overdue -2")
    assert len(lines) == 6


def test_check_from_a_script(book: Path) -> None:
    casebook = Casebook.locate(book)
    assert casebook.check().problems == []
    (book / "cases" / "LSCP-2025-003.toml").write_text('schema = 1\nid = "LSCP-2025-003"\n[in')
    (book / "lscp.toml").write_text("[rules]\nagency_return_days = -1\n")
    problems = Casebook.locate(book).check().problems
    assert [(p.path.name, p.line) for p in problems] == [
        ("lscp.toml", 2), ("LSCP-2025-003.toml", None)]  # None: TOML ends mid-header


def test_list_and_show_from_a_script(book: Path) -> None:
    casebook = Casebook.locate(book)
    rows = casebook.list_cases(D(2025, 1, 14))
    assert [(r.id, r.stage, r.next_deadline.milestone if r.next_deadline else None)
            for r in rows] == [
        ("LSCP-2024-007", "closed", None),
        ("LSCP-2025-001", "Rapid Review: gathering information", "partners-notification"),
        ("LSCP-2025-002", "awaiting Panel notification", "panel-notification"),
    ]
    assert [r.id for r in casebook.list_cases(D(2025, 1, 14), open_only=True)] == [
        "LSCP-2025-001", "LSCP-2025-002"]
    assert rows[2].children == ["C.D.", "E.D."] and rows[0].closed == D(2024, 12, 20)
    view = casebook.show("2025-001", D(2025, 1, 14))
    assert view.case.id == "LSCP-2025-001" and view.stage == rows[1].stage
    assert view.timeline[0][0] == D(2025, 1, 3)
    assert [d.milestone for d in view.deadlines] == [
        "panel-notification", "partners-notification", "agency-return", "agency-return",
        "rapid-review"]


def test_actions_stats_and_board_report_from_a_script(casebook_with: Callable[..., Path]
                                                      ) -> None:
    from lscp_cli.reports.stats import Period

    casebook = Casebook.locate(casebook_with("design", "new-death"))
    as_of = D(2025, 11, 24)
    rows = casebook.actions(as_of)
    assert [(r.case, r.number, r.status, r.working_days_left) for r in rows] == [
        ("LSCP-2025-001", 1, "met", None),
        ("LSCP-2025-001", 2, "pending", 4),  # due Saturday 29 November
    ] and rows.problems == []
    assert [r.number for r in casebook.actions(as_of, open_only=True)] == [2]
    assert casebook.actions(as_of, case="LSCP-2025-002") == []

    everything = casebook.stats(as_of)
    assert everything.figures["incidents"] == 2 and everything.problems == []
    assert everything.rows[0]["number"] == 2
    later = casebook.stats(as_of, Period.between(D(2025, 1, 4), D(2025, 1, 31)))
    assert later.figures["incidents"] == 1  # aware 8 January; the other on the 3rd

    [html] = casebook.board_report(as_of, Period.year(2025))
    assert html.startswith("<!DOCTYPE html>") and "LSCP-2025-002" in html


def test_the_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's script, as printed, on a copy of the examples: lists overdue items and
    records a step (so the example cannot rot)."""
    import re
    import shutil

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (code,) = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S)
               if "book.record(" in block]
    shutil.copytree(Path(__file__).parent.parent / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 (our own README)
    changed = (tmp_path / "examples" / "audit.log").read_text(encoding="utf-8")
    assert "agency-returned" in changed


# Warnings, refusals and check's problems speak to a script in its words and to the command
# line in flags (errors.said): the library's text names no `--flag`.
LAC_DEATH = ('schema = 1\nid = "LSCP-2025-001"\n[incident]\ntype = "death"\n'
             'aware = 2025-01-03\nabuse_or_neglect = "not-suspected"\n[[children]]\n'
             'initials = "A.B."\nlooked_after = true\n')


def test_a_late_step_warns_a_script_in_its_own_words(book: Path) -> None:
    recorded = Casebook.locate(book).record("LSCP-2025-002", "panel-notified", D(2025, 1, 22))
    [late] = [w for w in recorded.warnings if "is late" in w]
    assert 'record it again with note="..."' in late and "--" not in late
    [said] = [w for w in recorded.command_line_warnings() if "is late" in w]
    assert 'run the same command again with --note "..."' in said


def test_a_refusal_and_checks_problem_speak_to_a_script_in_its_own_words(
        write_case: Callable[..., Path], casebook_dir: Path) -> None:
    from lscp_cli.errors import OrderRefused

    path = write_case(LAC_DEATH)
    casebook = Casebook.locate(casebook_dir)
    with pytest.raises(OrderRefused) as info:
        casebook.record("LSCP-2025-001", "rag-meeting", D(2025, 1, 10))
    assert 'the decision, outcome="other-review"' in str(info.value)
    assert "--" not in str(info.value)
    assert "decision --outcome other-review" in info.value.command_line()
    path.write_text(path.read_text(encoding="utf-8") + "[cspr]\ncommissioned = 2025-02-03\n",
                    encoding="utf-8")
    for _ in range(2):  # read, then from the cache: the command line's words kept
        [case], _ = casebook.load_all()
        [cspr] = [w for w in case.warnings if "a CSPR follows" in w.message]
        assert 'the decision, outcome="cspr"' in cspr.message and "--" not in str(cspr)
        assert "`decision --outcome cspr`" in cspr.command_line()
    [problem] = [p for p in casebook.check().problems if "a CSPR follows" in p.message]
    assert "--" not in str(problem) and "decision --outcome cspr" in problem.command_line()


def test_set_speaks_to_a_script_in_its_own_words(book: Path) -> None:
    from lscp_cli.errors import InvalidEvent

    casebook = Casebook.locate(book)
    for field, flags, words in (("colour", "--child N", "child=N"),
                                ("meeting", "`lscp record --help`", "lscp_cli.Event lists")):
        with pytest.raises(InvalidEvent) as info:
            casebook.set_detail("LSCP-2025-001", field, ["x"])
        assert words in str(info.value) and "--" not in str(info.value)
        assert flags in info.value.command_line()


def test_a_draft_refused_speaks_to_a_script_in_its_own_words(book: Path, tmp_path: Path) -> None:
    from lscp_cli.storage.casefiles import DraftFile

    class Letter:
        template, fmt, content, case_id, file_name = "x", "md", b"x", "LSCP-2025-001", "x.md"

    outside = tmp_path / "outside"
    outside.mkdir()
    (book / "drafts").mkdir(exist_ok=True)
    (book / "drafts" / "LSCP-2025-001").symlink_to(outside, target_is_directory=True)
    letter: DraftFile = Letter()
    with pytest.raises(CasebookError) as info:
        Casebook.locate(book).write_draft(letter)
    assert "give the file to write as `path`" in str(info.value) and " -o" not in str(info.value)
    assert "give the file to write with -o FILE" in info.value.command_line()
    assert list(outside.iterdir()) == []
