"""`lscp draft` and `lscp templates` through the command line. All case data is FICTIONAL."""

from __future__ import annotations

import io
import stat
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

# pytest puts tests/ on sys.path: the shared fictional cases, and one set of golden files.
from conftest import case_text
from lscp_cli.cli import cli
from test_drafts import LETTER_DAY, LETTERS

GOLDEN = Path(__file__).parent / "golden"
ID = "LSCP-2025-001"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A casebook holding the fictional case of tests/test_drafts.py and matching settings."""
    root = tmp_path / "book"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / f"{ID}.toml").write_text(case_text("full"), encoding="utf-8")
    (root / "lscp.toml").write_text(
        '[partnership]\naddress = ["Leeds Safeguarding Children Partnership", '
        '"Fictional House", "Leeds LS1 1AA"]\nemail = "lscp.example@example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LSCP_DIR", str(root))
    return root


def run(*args: str) -> Result:
    # The golden letters are drafted on their own date, the fictional case holding every step
    # (tests/test_drafts.py): the officer's today is the letter's --date. A letter dated in
    # the past leaves out later steps (tests/test_letters_as_of.py).
    env = {"LSCP_TODAY": args[args.index("--date") + 1]} if "--date" in args else None
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def draft_args(name: str, *extra: str) -> list[str]:
    agency = ["--agency", "Leeds Community Healthcare"] if name == "agency-request" else []
    day = LETTER_DAY.get(name, date(2025, 1, 6))
    return ["draft", ID, name, "--date", day.isoformat(), *agency, *extra]


@pytest.mark.parametrize("name", LETTERS)
def test_draft_to_stdout_matches_golden_with_real_deadlines(book: Path, name: str) -> None:
    # The golden files were made with hand-checked deadlines; here rules.py works them out.
    result = run(*draft_args(name, "--stdout"))
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", LETTERS)
@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_every_template_writes_every_format_to_the_drafts_folder(
    book: Path, name: str, fmt: str
) -> None:
    result = run(*draft_args(name, "--format", fmt))
    assert result.exit_code == 0, result.output
    # A letter to one agency is named after it, so a second agency's does not overwrite it.
    stem = f"{name}-leeds-community-healthcare" if name == "agency-request" else name
    path = book / "drafts" / ID / f"{stem}.{fmt}"
    assert result.stdout.strip() == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    content = path.read_bytes()
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    else:
        text = content.decode("utf-8")
    assert "OFFICIAL-SENSITIVE" in text and "DRAFT" in text


def test_draft_never_overwrites_without_force(book: Path) -> None:
    assert run(*draft_args("panel-outcome")).exit_code == 0
    path = book / "drafts" / ID / "panel-outcome.md"
    path.write_text("officer's edits", encoding="utf-8")
    result = run(*draft_args("panel-outcome"))
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert path.read_text(encoding="utf-8") == "officer's edits"
    assert run(*draft_args("panel-outcome", "--force")).exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("**OFFICIAL-SENSITIVE**")


def test_draft_to_a_chosen_file(book: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "letter.docx"
    result = run(*draft_args("panel-outcome", "--format", "docx", "-o", str(target)))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"PK")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_html_to_stdout_is_a_standalone_escaped_page(book: Path) -> None:
    case = book / "cases" / f"{ID}.toml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        'location = "Leeds"', 'location = "<script>alert(1)</script>"'), encoding="utf-8")
    result = run(*draft_args("panel-notification", "--format", "html", "--stdout"))
    assert result.exit_code == 0, result.output
    assert result.stdout.lower().startswith("<!doctype html>")
    assert "<script" not in result.stdout and "&lt;script&gt;" in result.stdout


@pytest.mark.parametrize(
    "extra",
    [["--format", "docx", "--stdout"], ["--stdout", "-o", "x.md"], ["--format", "pdf"]],
)
def test_bad_option_combinations_are_usage_errors(book: Path, extra: list[str]) -> None:
    assert run(*draft_args("panel-outcome", *extra)).exit_code == 2


def test_agency_request_needs_an_agency_and_lists_the_case_agencies(book: Path) -> None:
    result = run("draft", ID, "agency-request")
    assert result.exit_code == 2
    assert "--agency" in result.stderr and "West Yorkshire Police" in result.stderr


def test_agency_not_yet_asked_gets_a_return_date_as_if_asked_today(book: Path) -> None:
    # A name that is none of the case's agencies is refused, with the list (issue 18) ...
    refused = run("draft", ID, "agency-request", "--agency", "Fictional Academy",
                  "--date", "2025-01-06", "--stdout")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "West Yorkshire Police, Leeds Community Healthcare" in refused.stderr
    assert "--new-agency" in refused.stderr
    # ... and drafted to an agency not asked yet only when the officer says it is new.
    result = run("draft", ID, "agency-request", "--agency", "Fictional Academy", "--new-agency",
                 "--date", "2025-01-06", "--stdout")
    assert result.exit_code == 0, result.output
    assert "has not been asked yet" in result.stderr and "agency-requested" in result.stderr
    assert "**Please reply by Monday 13 January 2025.**" in result.stdout
    assert "Fictional Academy" in result.stdout
    # Drafting a letter records nothing: the case file is unchanged.
    assert "Fictional Academy" not in (book / "cases" / f"{ID}.toml").read_text(encoding="utf-8")


def test_unknown_case_and_template_exit_1(book: Path) -> None:
    assert run("draft", "LSCP-2025-099", "panel-outcome").exit_code == 1
    result = run("draft", ID, "panel-outcom")
    assert result.exit_code == 1 and "lscp templates" in result.stderr


def test_broken_casebook_template_exits_1_naming_file_line_and_field(book: Path) -> None:
    templates = book / "templates"
    templates.mkdir()
    (templates / "panel-outcome.md.j2").write_text("ok\n{{ incident.locaton }}\n",
                                                   encoding="utf-8")
    result = run("draft", ID, "panel-outcome", "--stdout")
    assert result.exit_code == 1
    assert f"{templates / 'panel-outcome.md.j2'}:2:" in result.stderr
    assert "'locaton'" in result.stderr
    (templates / "panel-outcome.md.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    result = run("draft", ID, "panel-outcome", "--stdout")
    assert result.exit_code == 1 and "may not do" in result.stderr


def test_templates_lists_every_template_with_what_it_is_for(book: Path) -> None:
    result = run("templates")
    assert result.exit_code == 0, result.output
    for name in LETTERS:
        assert name in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert all("built-in" in row for row in rows if row.split("│")[1].strip())
    assert "National Panel" in result.stdout


def test_templates_copy_then_list_shows_the_override_and_show_prints_it(book: Path) -> None:
    result = run("templates", "copy", "panel-outcome")
    assert result.exit_code == 0, result.output
    copy = book / "templates" / "panel-outcome.md.j2"
    assert result.stdout.strip() == str(copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    listing = run("templates").stdout
    assert any("panel-outcome" in line and "casebook" in line for line in listing.splitlines())
    copy.write_text("{#- lscp template\ndescription: Ours.\n-#}\nOur outcome letter\n",
                    encoding="utf-8")
    shown = run("templates", "show", "panel-outcome")
    assert shown.stdout.endswith("Our outcome letter\n") and str(copy) in shown.stderr
    again = run("templates", "copy", "panel-outcome")
    assert again.exit_code == 1 and "--force" in again.stderr
    assert run("draft", ID, "panel-outcome", "--stdout").stdout == "Our outcome letter\n"
    assert run("templates", "copy", "panel-outcome", "--force").exit_code == 0


def test_templates_show_built_in_and_unknown(book: Path) -> None:
    shown = run("templates", "show", "agency-request")
    assert shown.exit_code == 0 and "requires: agency" in shown.stdout
    assert run("templates", "show", "nope").exit_code == 1
    assert run("templates", "show", "../lscp").exit_code == 1


def test_commands_have_help() -> None:
    for args in (["draft", "--help"], ["templates", "--help"], ["templates", "copy", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("typed", ["community", "COMMUNITY", "leeds  community", "Healthcare"])
def test_agency_is_a_recorded_one_named_by_a_unique_part(book: Path, typed: str) -> None:
    result = run("draft", ID, "agency-request", "--agency", typed, "--date", "2025-01-08",
                 "-o", str(book / "request.md"))
    assert result.exit_code == 0, result.output
    text = (book / "request.md").read_text(encoding="utf-8")
    assert "The designated safeguarding lead\\\nLeeds Community Healthcare" in text
    assert "has not been asked yet" not in result.stderr
    default = run("draft", ID, "agency-request", "--agency", typed, "--date", "2025-01-08")
    assert default.stdout.strip().endswith("agency-request-leeds-community-healthcare.md")


@pytest.mark.parametrize(("typed", "said"), [
    ("re", "matches 2 of this case's agencies: West Yorkshire Police, Leeds Community "
            "Healthcare; give more of the name"),
    ("Police Scotland", "is not one of this case's agencies (this case has: West Yorkshire "
                        "Police, Leeds Community Healthcare)"),
])
def test_agency_that_is_not_one_recorded_agency_is_refused_with_the_list(
        book: Path, typed: str, said: str) -> None:
    result = run("draft", ID, "agency-request", "--agency", typed, "--date", "2025-01-08")
    assert result.exit_code == 2
    assert said in " ".join(result.stderr.split())
    assert not (book / "drafts").exists()


def test_draft_options_only_for_the_letters_that_take_them(book: Path) -> None:
    for extra in (["--event", "2025-04-10"], ["--due", "2025-01-20"],
                  ["--agency", "police"]):
        result = run(*draft_args("panel-outcome", *extra, "--stdout"))
        assert result.exit_code == 2, extra
        assert f"panel-outcome takes no {extra[0]}: drop it" in result.stderr


@pytest.mark.parametrize(("extra", "said"), [
    (["--format", "docx", "-o", "x.pdf"], "lscp does not write PDF files"),
    (["-o", "x.pdf"], "lscp does not write PDF files"),
    (["--format", "docx", "-o", "x.txt"], "a Word document is named .docx"),
])
def test_a_file_name_that_promises_another_kind_of_file_is_refused(
        book: Path, extra: list[str], said: str) -> None:
    result = run(*draft_args("panel-outcome", *extra))
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert said in message
    assert "--format" not in message.split("error:")[-1]  # never suggested for a .pdf name
    assert not list(book.parent.glob("x.*")) and not list(Path().glob("x.*"))


def test_lscp_toml_sets_the_default_draft_format(book: Path) -> None:
    settings = book / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[drafts]\nformat = "docx"\n',
                        encoding="utf-8")
    result = run(*draft_args("panel-outcome"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("panel-outcome.docx")
    assert run(*draft_args("panel-outcome", "--format", "md", "--force")).stdout.strip(
    ).endswith("panel-outcome.md")
    shown = run(*draft_args("panel-outcome", "--stdout"))  # the terminal gets the text
    assert shown.exit_code == 0 and shown.stdout.startswith("**OFFICIAL")
    settings.write_text(settings.read_text(encoding="utf-8").replace('"docx"', '"pdf"'),
                        encoding="utf-8")
    bad = run("check")
    assert bad.exit_code == 1 and "'format' must be one of" in bad.output


def test_init_writes_word_as_the_default_draft_format() -> None:
    from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, parse_settings

    assert parse_settings(DEFAULT_SETTINGS_TOML, Path("lscp.toml")).draft_format == "docx"
    assert parse_settings("", Path("lscp.toml")).draft_format == "md"
