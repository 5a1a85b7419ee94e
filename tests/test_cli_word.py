"""Letters an officer can send: output named and formatted as asked, --final, the Word file
read back, and every template in every format for every example case.

All case data is FICTIONAL.
"""

from __future__ import annotations

import io
import json
import shutil
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from docx.oxml.ns import qn
from docx.shared import Mm

from lscp_cli.base.portable import windows_name_problem
from lscp_cli.casebook import Casebook
from lscp_cli.cli import cli
from lscp_cli.drafts import draft_for_case
from lscp_cli.errors import LetterRefused
from test_drafts import FULL_CASE_TOML

ID = "LSCP-2025-001"
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "book"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / f"{ID}.toml").write_text(FULL_CASE_TOML, encoding="utf-8")
    (root / "lscp.toml").write_text(
        '[partnership]\nname = "Leeds Safeguarding Children Partnership"\n'
        'email = "lscp.example@example.org"\nprotective_marking = "OFFICIAL-SENSITIVE"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LSCP_DIR", str(root))
    monkeypatch.chdir(tmp_path)
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def draft(*args: str) -> Result:
    return run("draft", ID, *args, "--date", "2025-01-06")


# -- -o FILE and --format --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "starts"),
    [("letter.md", b"**OFFICIAL-SENSITIVE**"), ("letter.HTML", b"<!DOCTYPE html>"),
     ("letter.htm", b"<!DOCTYPE html>"), ("letter.docx", b"PK")],
)
def test_output_file_extension_picks_the_format(book: Path, file_name: str, starts: bytes) -> None:
    result = draft("panel-outcome", "-o", file_name)
    assert result.exit_code == 0, result.output
    assert (book.parent / file_name).read_bytes().startswith(starts)


def test_a_word_file_is_a_real_word_document(book: Path) -> None:
    assert draft("panel-outcome", "-o", "letter.docx").exit_code == 0
    with zipfile.ZipFile(book.parent / "letter.docx") as word:
        assert "word/document.xml" in word.namelist()
        assert b"# Rapid Review outcome" not in word.read("word/document.xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "letter.docx", "--format", "md"], "--format md but 'letter.docx' is a .docx file"),
        (["-o", "letter.md", "--format", "html"], "--format html but 'letter.md' is a .md file"),
        (["-o", "letter.txt"], "cannot tell the format from 'letter.txt'"),
    ],
)
def test_conflicting_or_unknown_format_is_refused_and_nothing_written(
    book: Path, args: list[str], message: str
) -> None:
    result = draft("panel-outcome", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not list(book.parent.glob("letter.*"))


def test_a_matching_format_or_an_unknown_extension_with_format_is_accepted(book: Path) -> None:
    assert draft("panel-outcome", "-o", "a.docx", "--format", "docx").exit_code == 0
    assert draft("panel-outcome", "-o", "b.txt", "--format", "md").exit_code == 0
    assert (book.parent / "b.txt").read_text(encoding="utf-8").startswith("**OFFICIAL")


# -- default file names ----------------------------------------------------------------------


def test_each_agency_gets_its_own_request_file(book: Path) -> None:
    first = draft("agency-request", "--agency", "Leeds Teaching Hospitals NHS Trust",
                  "--new-agency")
    second = draft("agency-request", "--agency", "Leeds Community Healthcare")
    assert first.exit_code == 0 and second.exit_code == 0
    folder = book / "drafts" / ID
    assert sorted(p.name for p in folder.iterdir()) == [
        "agency-request-leeds-community-healthcare.md",
        "agency-request-leeds-teaching-hospitals-nhs-trust.md",
    ]
    assert "Leeds Teaching Hospitals NHS Trust" in (
        folder / "agency-request-leeds-teaching-hospitals-nhs-trust.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("agency", ['CON', 'NHS Trust: "A&E" / Paeds?', "Ysbyty  Gwynedd*", "…"])
def test_default_names_are_valid_on_windows(book: Path, agency: str) -> None:
    result = draft("agency-request", "--agency", agency, "--new-agency", "--format", "docx")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.parent == book / "drafts" / ID
    assert windows_name_problem(path.name) is None, path.name
    assert path.name.startswith("agency-request-") and path.suffix == ".docx"


def test_each_action_gets_its_own_update_request_file(book: Path) -> None:
    case = book / "cases" / f"{ID}.toml"
    case.write_text(case.read_text(encoding="utf-8") + (
        '\n[[actions]]\ntext = "Audit the bruising protocol"\nowner = "Leeds Community '
        'Healthcare"\ndue = 2025-12-19\n'), encoding="utf-8")
    for number in ("1", "2"):
        assert draft("action-update-request", "--action", number).exit_code == 0
    folder = book / "drafts" / ID
    assert sorted(p.name for p in folder.iterdir()) == [
        "action-update-request-action-1.md", "action-update-request-action-2.md"]
    second = (folder / "action-update-request-action-2.md").read_text(encoding="utf-8")
    assert "| Action | 2 of 2: Audit the bruising protocol |" in second
    assert "| Owner | Leeds Community Healthcare |" in second


def test_action_update_request_needs_an_existing_action(book: Path) -> None:
    missing = draft("action-update-request")
    assert missing.exit_code == 2 and "add --action N" in missing.output
    beyond = draft("action-update-request", "--action", "3")
    assert beyond.exit_code == 2 and "--action 3: this case has 1 action" in beyond.output
    other = draft("panel-outcome", "--action", "1")
    assert other.exit_code == 2 and "not about one action" in other.output


# -- --final ---------------------------------------------------------------------------------


def test_final_is_refused_while_placeholders_remain_and_lists_each(book: Path) -> None:
    result = draft("panel-outcome", "--final", "--format", "docx")
    assert result.exit_code == 1
    assert "panel-outcome cannot be final:" in result.stderr
    shown = [line.removeprefix("error:").strip() for line in result.stderr.splitlines()]
    listed = [line for line in shown if line.startswith("[")]
    assert "[Name]" in listed and "[Job title]" in listed
    assert len(listed) == len(set(listed))  # each once
    assert not (book / "drafts").exists()


FINAL_TEMPLATE = """\
{#- lscp template
description: A FICTIONAL thank-you note with nothing left to fill, for the --final tests.
-#}
{% extends "_letter.md.j2" %}
{% block addressee %}{{ ["The Chair", "Review panel"] | lines }}{% endblock %}
{% block title %}Thank you{% endblock %}
{% block body %}
Thank you for chairing the review panel for {{ case.id }}.
{% endblock %}
{% block signoff %}
Yours sincerely,

Jo Example, Business Manager
{% endblock %}
"""


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_final_leaves_out_every_draft_line_once_nothing_is_left_to_fill(
    book: Path, fmt: str
) -> None:
    (book / "templates").mkdir()
    (book / "templates" / "thank-you.md.j2").write_text(FINAL_TEMPLATE, encoding="utf-8")
    final = draft("thank-you", "--final", "--format", fmt)
    assert final.exit_code == 0, final.output
    path = Path(final.stdout.strip())
    content = path.read_bytes()
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    else:
        text = content.decode("utf-8")
    assert "OFFICIAL-SENSITIVE" in text and "Thank you for chairing" in text
    assert "DRAFT" not in text
    # Without --final the same letter is a draft, top and bottom.
    assert draft("thank-you", "--format", fmt, "--force").exit_code == 0
    again = path.read_bytes()
    drafted = ("\n".join(p.text for p in docx.Document(io.BytesIO(again)).paragraphs)
               if fmt == "docx" else again.decode("utf-8"))
    assert drafted.count("DRAFT") >= 2


def test_final_refuses_an_old_casebook_layout_that_still_prints_draft(book: Path) -> None:
    (book / "templates").mkdir()
    (book / "templates" / "thank-you.md.j2").write_text(FINAL_TEMPLATE, encoding="utf-8")
    # A casebook copy of _letter from before --final: DRAFT printed unconditionally.
    (book / "templates" / "_letter.md.j2").write_text(
        "**{{ marking }}** **DRAFT**\n\n# {% block title %}{% endblock %}\n\n"
        "{% block body %}{% endblock %}\n", encoding="utf-8")
    result = draft("thank-you", "--final")
    assert result.exit_code == 1 and "still prints DRAFT" in result.stderr


# -- lscp templates --format json ------------------------------------------------------------


def test_templates_json_lists_every_template_with_name_and_description(book: Path) -> None:
    result = run("templates", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = {row["name"]: row for row in json.loads(result.stdout)}
    shipped = {p.name.removesuffix(".md.j2")
               for p in (Path(__file__).parent.parent / "templates").glob("*.md.j2")}
    assert set(listed) == shipped
    for name in ("author-commission", "practitioner-invitation", "family-draft-report",
                 "nspcc-submission", "action-update-request"):
        assert len(listed[name]["description"]) > 40
    assert listed["action-update-request"]["requires"] == "--action"
    assert listed["agency-request"]["requires"] == "--agency"
    csv = run("templates", "--format", "csv")
    assert csv.stdout.splitlines()[0] == "name,source,description,requires,path"


# -- the Word file, read back ----------------------------------------------------------------


def test_word_draft_is_a4_british_english_with_the_casebook_marking_on_every_page(
    book: Path,
) -> None:
    settings = book / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'protective_marking = "OFFICIAL-SENSITIVE"', 'protective_marking = "OFFICIAL"'),
        encoding="utf-8")
    result = draft("panel-notification", "--format", "docx")
    assert result.exit_code == 0, result.output
    document = docx.Document(result.stdout.strip())
    (section,) = document.sections
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL"]
    assert section.footer.paragraphs[0].text == "OFFICIAL"
    assert section.footer.paragraphs[1].text.startswith("Page ")
    assert not section.different_first_page_header_footer
    assert document.paragraphs[0].text == "OFFICIAL"


def test_a_casebook_reference_docx_still_wins(book: Path) -> None:
    (book / "templates").mkdir()
    assert run("templates", "copy", "reference.docx").exit_code == 0
    reference = book / "templates" / "reference.docx"
    styles = docx.Document(str(reference))
    styles.sections[0].header.paragraphs[0].text = "FICTIONAL PARTNERSHIP LETTERHEAD"
    styles.styles["Normal"].font.name = "Fictional Serif"
    styles.save(str(reference))
    result = draft("panel-outcome", "--format", "docx")
    document = docx.Document(result.stdout.strip())
    assert document.sections[0].header.paragraphs[0].text == "FICTIONAL PARTNERSHIP LETTERHEAD"
    assert document.styles["Normal"].font.name == "Fictional Serif"


# -- every template x every format x every example case ---------------------------------------

TODAY = date(2026, 11, 27)
REVIEW_LETTERS = ("author-commission", "practitioner-invitation", "family-draft-report",
                  "nspcc-submission", "family-cspr-letter", "publication-notice")


def expected_refusal(template: str, case: dict[str, Any]) -> str | None:
    """The words the refusal must hold where this file's rules say the letter does not fit."""
    decision = case.get("rapid_review", {}).get("decision")
    cspr = case.get("cspr", {})
    if template in REVIEW_LETTERS and decision != "cspr":
        return "decision recorded is"
    if template in ("nspcc-submission", "family-draft-report") and cspr.get(
            "not_published_reason"):
        return "decided not to publish"
    if template in ("family-cspr-letter", "family-draft-report", "practitioner-invitation",
                    "author-commission") and cspr.get("published"):
        return "published on"
    if template == "agency-request":
        if case.get("rapid_review", {}).get("submitted"):
            return "sent to the Panel"
        if (case.get("agencies") or [{}])[0].get("received"):
            return "recorded as received"
    if template == "nspcc-submission" and not cspr.get("published"):
        return "not recorded as published yet"
    # The letter that sent it went on that day (issue 18): it is not drafted again.
    if template == "publication-notice" and cspr.get("sent_to_panel", TODAY) < TODAY:
        return "sent to the Panel and the Secretary of State on"
    if template == "partners-notification" and case.get("notification", {}).get(
            "partners", TODAY) < TODAY:
        return "were notified on"
    actions = case.get("actions") or []
    if template == "action-update-request":
        if not actions:
            return "no action plan yet"
        if all(a.get("completed") for a in actions):
            return "recorded as completed"
    return None


def letter_options(template: str, case: dict[str, Any]) -> dict[str, Any]:
    if template == "agency-request":
        if not case.get("agencies"):  # an agency not asked yet, named in full
            return {"agency": "West Yorkshire Police", "new_agency": True}
        return {"agency": case["agencies"][0]["name"]}
    if template == "action-update-request" and case.get("actions"):
        open_ones = [n for n, a in enumerate(case["actions"], 1) if not a.get("completed")]
        return {"action": (open_ones or [1])[0]}
    return {}


def test_every_template_in_every_format_for_every_example_case(tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns(".lscp-cache", "drafts"))
    casebook = Casebook.locate(copy)
    letters = [t.name for t in casebook.templates.templates() if t.is_letter]
    assert len(letters) >= 12
    fitted: list[tuple[str, str, dict[str, Any]]] = []
    refused = 0
    for case_path in sorted((copy / "cases").glob("*.toml")):
        case = tomllib.loads(case_path.read_text(encoding="utf-8"))
        for template in letters:
            options = letter_options(template, case)
            expected = expected_refusal(template, case)
            try:
                markdown = draft_for_case(casebook, case["id"], template, "md", today=TODAY,
                                          **options).text
            except LetterRefused as exc:
                message = str(exc)
                assert message.startswith(f"{template} does not fit this case: "), message
                assert len(message) > len(template) + 30, message  # a reason, not a shrug
                assert expected is None or expected in message, (template, case["id"], message)
                assert expected is not None or template not in (*REVIEW_LETTERS,
                                                                "action-update-request"), message
                refused += 1
                continue
            assert expected is None, (template, case["id"], "should have been refused")
            assert markdown.startswith("**OFFICIAL-SENSITIVE**") and "DRAFT" in markdown
            assert "None" not in markdown, (template, case["id"])
            fitted.append((case["id"], template, options))
    # 25 fit on 27 November 2026 (the partners' letters and notices already sent are refused)
    assert refused >= 10 and len(fitted) >= 24

    def both_formats(job: tuple[str, str, dict[str, Any]]) -> tuple[str, str, bytes, bytes]:
        case_id, template, options = job
        html = draft_for_case(casebook, case_id, template, "html", today=TODAY, **options)
        word = draft_for_case(casebook, case_id, template, "docx", today=TODAY, **options)
        return case_id, template, html.content, word.content

    # pandoc runs as a subprocess: a few at once keep this test to seconds.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for case_id, template, html, word in pool.map(both_formats, fitted):
            assert html.startswith(b"<!DOCTYPE html>") and b"OFFICIAL-SENSITIVE" in html
            document = docx.Document(io.BytesIO(word))
            assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
            headings = [p for p in document.paragraphs
                        if p.style is not None and p.style.name == "Heading 1"]
            assert len(headings) == 1, (case_id, template)


def test_a_refused_letter_says_why_on_the_command_line(tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns(".lscp-cache", "drafts"))
    result = run("--dir", str(copy), "draft", "LSCP-2026-002", "author-commission",
                 "--format", "docx")
    assert result.exit_code == 1
    assert "author-commission does not fit this case" in result.stderr
    assert "'no-cspr'" in result.stderr
    assert not (copy / "drafts").exists()
