"""The case commands through click's CliRunner: exit codes, output, and every bad-input path."""

from __future__ import annotations

import json
import re
import stat
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import CASE_TEXT, without_stamp
from lscp_cli.cli import cli
from lscp_cli.model.fieldlabels import field_label

YEAR = date.today().year
NEW = ["new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "a.b.", "--child-dob", "02/04/2024", "--abuse-or-neglect", "suspected"]


def test_version_and_help(run) -> None:
    assert run("--version").output.startswith("lscp, version ")
    result = run("-h")
    assert result.exit_code == 0 and "new-incident" in result.output


@pytest.mark.parametrize("command", sorted(cli.all_commands()))
def test_every_command_has_help_with_an_example(run, command: str) -> None:
    result = run(command, "-h")
    assert result.exit_code == 0
    assert "Example" in result.output, f"{command} help has no example"


def test_init_creates_private_casebook(run, tmp_path: Path) -> None:
    target = tmp_path / "new-book"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    settings = target / "lscp.toml"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert "# " in settings.read_text()  # commented
    settings.write_text(settings.read_text() + "# mine\n")
    assert "nothing changed" in run("init", str(target)).output
    assert settings.read_text().endswith("# mine\n")


def test_default_casebook_needs_no_setup(run, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LSCP_DIR")
    result = run(*NEW)
    assert result.exit_code == 0, result.output
    home_book = Path.home() / "lscp"
    assert (home_book / "cases" / f"LSCP-{YEAR}-001.toml").exists()
    assert (home_book / "lscp.toml").exists()
    assert stat.S_IMODE(home_book.stat().st_mode) == 0o700


def test_new_incident_no_input(run, casebook_dir: Path) -> None:
    result = run(*NEW, "--summary", "Fictional outline", "--location", "Leeds")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"LSCP-{YEAR}-001"
    path = casebook_dir / "cases" / f"LSCP-{YEAR}-001.toml"
    text = path.read_text()
    assert 'initials = "A.B."' in text and "date_of_birth = 2024-04-02" in text
    assert "aware = 2025-01-03" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "next: Notify the National Panel by Friday 10 January 2025 (already overdue)" in (
        result.stderr)
    assert run(*NEW).stdout.strip() == f"LSCP-{YEAR}-002"


def test_new_incident_prefix_from_settings(run, casebook_dir: Path) -> None:
    from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML

    (casebook_dir / "lscp.toml").write_text(
        DEFAULT_SETTINGS_TOML.replace('short_name = "LSCP"', 'short_name = "BSCP"'))
    assert run(*NEW).stdout.strip() == f"BSCP-{YEAR}-001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--aware", "31/02/2025"], "not a real date"),
        (["--aware", "01/13/2025"], "read day first"),
        (["--aware", (date.today() + timedelta(days=3)).strftime("%d/%m/%Y")], "in the future"),
        (["--child-initials", "Jane Smith"], "initials only"),
        (["--type", "harm"], "'harm' is not one of"),
        (["--child-initials", "C.", "--child-initials", "D.", "--child-initials", "E.",
          "--child-initials", "F."], "at most 4 children"),
    ],
)
def test_new_incident_bad_input(run, casebook_dir: Path, change: list[str], message: str) -> None:
    result = run(*NEW, *change)
    assert result.exit_code == 2
    assert message in result.output
    assert not (casebook_dir / "cases").exists() or not list((casebook_dir / "cases").iterdir())


def test_new_incident_missing_flags_with_no_input(run) -> None:
    result = run("new-incident", "--no-input", "--type", "death")
    assert result.exit_code == 2
    assert "missing --aware, --child-initials" in result.output


def test_new_incident_interactive_reasks_on_bad_input(run, casebook_dir: Path) -> None:
    answers = "\n".join([
        "serious-harm",   # type
        "yesterday",      # occurred
        "02/30/2025",     # aware: month-first, refused
        "06/01/2025",     # aware
        "",               # location: default Leeds
        "y",              # in area
        "Joanna",         # initials: a name, refused
        "jo",             # initials in small letters without dots: a name, refused
        "JB",             # initials
        "not a date",     # dob refused
        "1/2/2024",       # dob
        "", "",           # sex, ethnicity: later
        "n",              # looked after
        "", "", "",       # plans, where the child lives: later
        "y",              # another child
        "K.L.",
        "",               # dob unknown
        "", "",
        "n",
        "", "", "",
        "n",              # no more children
        "suspected",
        "Fictional outline",
        "", "",           # documents, action taken: later
    ]) + "\n"
    result = run("new-incident", input=answers, env={"LSCP_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "read day first" in result.output
    assert "initials only" in result.output
    assert "(got 2 letters, small letters without dots)" in result.output
    text = (casebook_dir / "cases" / f"LSCP-{YEAR}-001.toml").read_text()
    assert "aware = 2025-01-06" in text
    assert 'initials = "J.B."' in text and "date_of_birth = 2024-02-01" in text
    assert 'initials = "K.L."' in text
    assert 'location = "Leeds"' in text


def test_list_shows_good_cases_and_names_bad_file(run, write_case, casebook_dir: Path) -> None:
    write_case()
    write_case(CASE_TEXT.replace("2025-001", "2025-002").replace('type = "serious-harm"',
                                                               'type = "serious"'),
               "LSCP-2025-002")
    result = run("list")
    assert result.exit_code == 1
    assert "LSCP-2025-001" in result.stdout
    assert "LSCP-2025-002.toml:7: 'incident.type' must be one of" in result.stderr
    records = json.loads(run("list", "--format", "json").stdout)
    assert [r["id"] for r in records] == ["LSCP-2025-001"]
    assert records[0]["children"] == ["A.B."]
    assert records[0]["stage"] == "awaiting Panel notification"
    assert records[0]["next_deadline"]
    csv_lines = run("list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,opened,children,type,stage,next_deadline")
    assert csv_lines[1].startswith("LSCP-2025-001,2025-01-06,A.B.,serious-harm")


def test_list_open_only(run, write_case) -> None:
    write_case()
    write_case(CASE_TEXT.replace("2025-001", "2025-002").replace("opened = 2025-01-06",
               "opened = 2025-01-06\nclosed = 2025-06-01"), "LSCP-2025-002")
    records = json.loads(run("list", "--open", "--format", "json").stdout)
    assert [r["id"] for r in records] == ["LSCP-2025-001"]
    assert len(json.loads(run("list", "--format", "json").stdout)) == 2


def test_list_empty(run) -> None:
    result = run("list")
    assert result.exit_code == 0 and "No cases yet" in result.output


def test_show(run, write_case) -> None:
    write_case()
    assert run("record", "LSCP-2025-001", "panel-notified", "06/01/2025",
               "--reference", "SI-1").exit_code == 0
    result = run("show", "2025-1", "--as-of", "2025-01-07")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "LSCP-2025-001" in out and "Timeline" in out and "Deadlines" in out
    assert "Mon 6 Jan 2025  National Panel notified (reference SI-1)" in out
    payload = json.loads(run("show", "LSCP-2025-001", "--format", "json",
                             "--as-of", "2025-01-07").stdout)
    assert payload["case"]["notification"]["panel"] == "2025-01-06"
    milestones = {d["milestone"]: d for d in payload["deadlines"]}
    assert milestones["panel-notification"]["status"] == "met"
    assert milestones["rapid-review"]["provisional"] is False
    csv_out = run("show", "LSCP-2025-001", "--format", "csv").stdout
    assert "incident.aware,2025-01-03" in csv_out


def test_show_unknown_and_bad_ids(run) -> None:
    result = run("show", "LSCP-2025-404")
    assert result.exit_code == 1 and "no case LSCP-2025-404" in result.stderr
    result = run("show", "../../etc/passwd")
    assert result.exit_code == 1 and "is not a case id" in result.stderr


DECIDED_CSPR = "\n[rapid_review]\ndecision = \"cspr\"\ndecision_date = 2025-01-22\n"
ALL_EVENTS = [
    (["panel-notified", "06/01/2025", "--reference", "SI-9"], "notification.panel_reference",
     "SI-9"),
    (["partners-notified", "06/01/2025"], "notification.partners", "2025-01-06"),
    (["agency-requested", "06/01/2025", "--agency", "Police", "--agency", "Health"],
     "agencies[2]", {"name": "Health", "requested": "2025-01-06"}),
    (["rag-meeting", "20/01/2025"], "rapid_review.meeting", "2025-01-20"),
    (["recommendation", "20/01/2025", "--outcome", "cspr"], "rapid_review.recommendation",
     "cspr"),
    (["decision", "22/01/2025", "--outcome", "cspr"], "rapid_review.decision_date",
     "2025-01-22"),
    (["rapid-review-submitted", "24/01/2025"], "rapid_review.submitted", "2025-01-24"),
    (["cspr-commissioned", "10/02/2025", "--author", "Fictional Author"], "cspr.author",
     "Fictional Author"),
    (["family-informed", "12/02/2025"], "cspr.family_informed", "2025-02-12"),
    (["practitioner-event", "03/04/2025"], "cspr.practitioner_events", ["2025-04-03"]),
    (["draft-shared-with-family", "20/06/2025"], "cspr.draft_shared_with_family",
     "2025-06-20"),
    (["publication-planned", "15/07/2025"], "cspr.publication_planned", "2025-07-15"),
    (["report-sent-to-panel", "04/07/2025"], "cspr.sent_to_panel", "2025-07-04"),
    (["published", "15/07/2025", "--url", "https://example.org/cspr"], "cspr.published_url",
     "https://example.org/cspr"),
    (["not-published", "--reason", "Fictional reason"], "cspr.not_published_reason",
     "Fictional reason"),
    (["nspcc-submitted", "16/07/2025"], "cspr.nspcc_submitted", "2025-07-16"),
    (["action-added", "01/08/2025", "--text", "Refresh training", "--owner", "LSCP", "--due",
      "31/10/2025"], "actions[1]",
     {"text": "Refresh training", "added": "2025-08-01", "owner": "LSCP", "due": "2025-10-31"}),
    (["learning-shared", "01/08/2025", "--channel", "briefing"], "learning[1]",
     {"channel": "briefing", "date": "2025-08-01"}),
    (["closed", "30/11/2025", "--force"], "closed", "2025-11-30"),
]


@pytest.mark.parametrize(("args", "field", "value"), ALL_EVENTS,
                         ids=[a[0][0] for a in ALL_EVENTS])
def test_record_every_event(run, write_case, casebook_dir: Path, args: list[str], field: str,
                            value: object) -> None:
    # A CSPR step follows the Executive's decision to hold one, and the Rapid Review goes
    # with the decision, after the Panel notification (order.py).
    cspr_step = field.startswith("cspr.")
    submitted = field == "rapid_review.submitted"
    path = write_case(CASE_TEXT + ("\n[notification]\npanel = 2025-01-06\n" if submitted else "")
                      + (DECIDED_CSPR if cspr_step or submitted else ""))
    result = run("record", "LSCP-2025-001", *args)
    assert result.exit_code == 0, result.output
    # Said as `lscp log` says it: the field's label ("Date of the RAG meeting"), never its
    # name in the file ("rapid_review.meeting").
    label = field_label(field, tomllib.loads(path.read_text(encoding="utf-8")))
    assert f"LSCP-2025-001: {label} = " in result.stdout
    assert f": {field} " not in result.stdout
    audit = [json.loads(line) for line in (casebook_dir / "audit.log").read_text().splitlines()]
    assert any(a["field"] == field and a["new"] == value for a in audit)
    # Comments and layout kept; a top-level `closed` goes before the first section.
    assert path.read_text().replace("closed = 2025-11-30\n", "").startswith(CASE_TEXT)
    assert run("check").exit_code == 0


def test_record_action_completed_and_missing_action(run, write_case) -> None:
    write_case()
    run("record", "LSCP-2025-001", "action-added", "01/08/2025", "--text", "A", "--due",
        "31/10/2025")
    result = run("record", "LSCP-2025-001", "action-completed", "--action", "2")
    assert result.exit_code == 1 and "there is no action 2" in result.stderr
    result = run("record", "LSCP-2025-001", "action-completed", "01/10/2025", "--action", "1")
    assert result.exit_code == 0 and "Action 1: completed = Wed 1 Oct 2025" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["agency-returned", "--agency", "Nobody"], 1, "record `agency-requested"),
        (["agency-requested"], 1, "needs --agency"),
        (["decision"], 1, "needs --outcome"),
        (["decision", "--outcome", "maybe"], 2, "'maybe' is not one of"),
        (["not-published"], 1, "needs --reason"),
        (["published", "--url", "example.org"], 1, "must start with https://"),
        (["publication-planned"], 2, "needs the planned DATE"),
        (["closed", "2099-01-01"], 2, "in the future"),
        (["closed", "13/13/2025"], 2, "not a real date"),
        (["lunch"], 2, "'lunch' is not one of"),
        (["rag-meting"], 2, "'rag-meting': did you mean 'rag-meeting'?"),
        (["learning-shared"], 1, "needs --channel"),
        (["panel-notified", "--agency", "Police"], 2,
         "panel-notified does not use --agency; it takes --reference"),
        (["closed", "--url", "x"], 2, "closed does not use --url; it takes --force"),
    ],
)
def test_record_bad_input(run, write_case, args: list[str], code: int, message: str) -> None:
    path = write_case()
    result = run("record", "LSCP-2025-001", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert path.read_text() == CASE_TEXT


def test_record_same_thing_twice_changes_nothing(run, write_case) -> None:
    write_case()
    run("record", "LSCP-2025-001", "partners-notified", "06/01/2025")
    result = run("record", "LSCP-2025-001", "partners-notified", "06/01/2025")
    assert "nothing changed" in result.stdout


def test_record_on_broken_case_says_how_to_fix(run, write_case) -> None:
    path = write_case(CASE_TEXT.replace("aware = 2025-01-03", "aware = 03/01/2025"))
    before = path.read_text()
    result = run("record", "LSCP-2025-001", "partners-notified")
    assert result.exit_code == 1
    assert "LSCP-2025-001.toml:9: not valid TOML" in result.stderr
    assert path.read_text() == before


def write_editor(tmp_path: Path, script: str) -> str:
    editor = tmp_path / "fake-editor.py"
    editor.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n{script}\n")
    return f"{sys.executable} {editor}"


def test_edit_saves_valid_change(run, write_case, tmp_path: Path, casebook_dir: Path) -> None:
    path = write_case()
    editor = write_editor(tmp_path, "p.write_text(p.read_text().replace('Leeds', 'Bradford'))")
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    assert 'location = "Bradford"' in path.read_text()
    assert "# officer's comment on the type" in path.read_text()
    audit = [json.loads(line) for line in (casebook_dir / "audit.log").read_text().splitlines()]
    assert audit == [{**audit[0], "action": "edit", "field": "incident.location",
                      "old": "Leeds", "new": "Bradford"}]
    assert list(path.parent.glob(".*edit*")) == []


def test_edit_invalid_is_not_saved_and_kept(run, write_case, tmp_path: Path) -> None:
    path = write_case()
    editor = write_editor(tmp_path, "p.write_text(p.read_text().replace('2025-01-03', "
                                    "'tomorrow'))")
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert "not valid TOML" in result.stderr and "your edit is kept in" in result.stderr
    assert path.read_text() == CASE_TEXT
    kept = list((path.parent.parent / "edits").glob("LSCP-2025-001.edit-*.toml"))
    assert len(kept) == 1 and "tomorrow" in kept[0].read_text()


def test_edit_refused_when_file_changed_meanwhile(run, write_case, tmp_path: Path) -> None:
    path = write_case()
    # The "editor" saves a change, and meanwhile someone else updates the real file.
    editor = write_editor(tmp_path, (
        f"real = pathlib.Path({str(path)!r})\n"
        "real.write_text(real.read_text() + 'notes = \"other officer\"\\n')\n"
        "p.write_text(p.read_text().replace('Leeds', 'Wakefield'))"))
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert "changed while you were editing" in result.stderr
    assert "other officer" in path.read_text() and "Wakefield" not in path.read_text()


def test_edit_fixes_a_broken_file(run, write_case, tmp_path: Path) -> None:
    path = write_case(CASE_TEXT.replace("aware = 2025-01-03", "aware = 03/01/2025"))
    assert run("check").exit_code == 1
    editor = write_editor(tmp_path, "p.write_text(p.read_text().replace('03/01/2025', "
                                    "'2025-01-03'))")
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor})
    assert result.exit_code == 0, result.output
    assert without_stamp(path.read_bytes()).decode() == CASE_TEXT  # and the audit stamp
    assert run("check").exit_code == 0


def test_edit_unknown_case(run) -> None:
    result = run("edit", "LSCP-2025-404")
    assert result.exit_code == 1 and "no case LSCP-2025-404" in result.stderr


def test_edit_no_change(run, write_case, tmp_path: Path) -> None:
    write_case()
    result = run("edit", "LSCP-2025-001", env={"EDITOR": write_editor(tmp_path, "pass")})
    assert result.exit_code == 0 and "no changes" in result.stdout


def test_check_silent_when_all_is_well(run, write_case) -> None:
    write_case()
    result = run("check")
    assert result.exit_code == 0 and result.output == ""


def test_check_reports_file_line_problem(run, write_case, casebook_dir: Path) -> None:
    write_case(CASE_TEXT.replace("in_area = true", "in_area = maybe"))
    write_case(CASE_TEXT.replace("2025-001", "2025-002").replace("location", "locaton"),
               "LSCP-2025-002")
    (casebook_dir / "lscp.toml").write_text("[partnership]\nshort_name = 5\n")
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(str(casebook_dir / "lscp.toml") + ":2: 'short_name'")
               for line in lines)
    assert any("LSCP-2025-001.toml:11: not valid TOML" in line for line in lines)
    assert re.search(r"^warning: \S*LSCP-2025-002.toml:10: unknown field 'incident.locaton'",
                     result.stderr, re.MULTILINE)


def test_check_reports_template_syntax_errors(run, write_case, casebook_dir: Path) -> None:
    write_case()
    templates = casebook_dir / "templates"
    templates.mkdir()
    (templates / "panel-notification.md.j2").write_text("Dear Panel,\n\n{{ case.id \n")
    result = run("check")
    assert result.exit_code == 1
    assert f"{templates / 'panel-notification.md.j2'}:3: template syntax error" in result.stdout


def test_unexpected_error_hides_details_unless_debug(run, write_case, monkeypatch) -> None:
    write_case()

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("A.B. secret details")

    monkeypatch.setattr("lscp_cli.casebook.timeline", explode)
    result = run("show", "LSCP-2025-001")
    assert result.exit_code == 1
    assert "unexpected RuntimeError" in result.stderr
    assert "secret" not in result.output
    result = run("show", "LSCP-2025-001", env={"LSCP_DEBUG": "1"})
    assert "Traceback" in result.stderr and "secret details" in result.stderr


def test_windows_notepad_file_with_bom_and_crlf(run, write_case, casebook_dir: Path) -> None:
    path = write_case()
    path.write_bytes(b"\xef\xbb\xbf" + CASE_TEXT.replace("\n", "\r\n").encode())
    assert run("check").exit_code == 0
    result = run("record", "LSCP-2025-001", "partners-notified", "06/01/2025")
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "# officer's comment on the type\r\n" in text
    assert "[notification]\r\npartners = 2025-01-06\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    assert run("check").exit_code == 0


@pytest.mark.parametrize("editor_keeps_crlf", [True, False])
def test_edit_keeps_a_windows_file_crlf(run, write_case, tmp_path: Path,
                                        editor_keeps_crlf: bool) -> None:
    path = write_case()
    path.write_bytes(b"\xef\xbb\xbf" + CASE_TEXT.replace("\n", "\r\n").encode())
    if editor_keeps_crlf:  # e.g. Notepad, or vim in dos mode: the copy is edited as it is
        script = ("raw = p.read_bytes()\nassert raw.count(b'\\r\\n') == raw.count(b'\\n')\n"
                  "p.write_bytes(raw.replace(b'Leeds', b'Bradford'))")
    else:  # an editor that saves Unix line ends
        script = ("p.write_bytes(p.read_bytes().replace(b'\\r\\n', b'\\n')"
                  ".replace(b'Leeds', b'Bradford'))")
    result = run("edit", "LSCP-2025-001", env={"EDITOR": write_editor(tmp_path, script)})
    assert result.exit_code == 0, result.output
    assert "saved (1 field(s) changed)" in result.stdout
    raw = path.read_bytes()
    expected = CASE_TEXT.replace("Leeds", "Bradford").replace("\n", "\r\n")
    assert without_stamp(raw) == b"\xef\xbb\xbf" + expected.encode()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # the audit stamp in the file's style too


def test_record_matches_agency_names_whatever_the_case_and_spacing(run, write_case) -> None:
    write_case()
    run("record", "LSCP-2025-001", "agency-requested", "06/01/2025",
        "--agency", "West Yorkshire Police")
    result = run("record", "LSCP-2025-001", "agency-returned", "08/01/2025",
                 "--agency", "west  yorkshire POLICE")
    assert result.exit_code == 0, result.output
    assert "Information received from West Yorkshire Police = Wed 8 Jan 2025" in result.stdout
