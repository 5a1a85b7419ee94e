"""Rendering letters: golden files, placeholders, escaping, strictness, the sandbox, output.

Every case here is FICTIONAL: no real child, family, agency contact or incident.
Regenerate the golden files after an intended template change with
`LSCP_UPDATE_GOLDEN=1 pytest tests/test_drafts.py`, then read the diff before committing.
"""

from __future__ import annotations

import io
import os
import stat
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import case_text
from lscp_cli import drafts
from lscp_cli.casebook import Casebook
from lscp_cli.errors import LscpError, TemplateError
from lscp_cli.process.rules import Deadline
from lscp_cli.process.settings import Settings

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2025, 1, 6)
LETTERS = (
    "panel-notification",
    "partners-notification",
    "agency-request",
    "rapid-review-summary",
    "panel-outcome",
    "family-cspr-letter",
    "publication-notice",
)
CSPR_LETTERS = ("family-cspr-letter", "publication-notice")
# The full case's letters written after its RAG met (20 January 2025) are dated after it: a
# letter says a meeting happened only once its date has passed (a later one is planned).
LETTER_DAY = {"rapid-review-summary": date(2025, 1, 24), "panel-outcome": date(2025, 1, 24)}

# FICTIONAL cases (tests/fixtures/cases/): far enough on to use every template, and as a case
# is on the day it is opened (only the required fields).
FULL_CASE_TOML = case_text("full")
MINIMAL_CASE_TOML = case_text("minimal")

SETTINGS = Settings(
    address=("Leeds Safeguarding Children Partnership", "Fictional House", "Leeds LS1 1AA"),
    email="lscp.example@example.org",
)


def deadline(milestone: str, due: date, *, agency: str | None = None,
             provisional: bool = False) -> Deadline:
    return Deadline(case="LSCP-2025-001", milestone=milestone, label=milestone, due=due,
                    met=None, status="pending", working_days_left=0, provisional=provisional,
                    basis="", agency=agency)


# What rules.py gives for the full case (checked by hand against the 2025 calendar).
FULL_DEADLINES = [
    deadline("panel-notification", date(2025, 1, 10)),
    deadline("partners-notification", date(2025, 1, 10)),
    deadline("agency-return", date(2025, 1, 13), agency="West Yorkshire Police"),
    deadline("agency-return", date(2025, 1, 13), agency="Leeds Community Healthcare"),
    deadline("rapid-review", date(2025, 1, 27)),
    deadline("cspr-publication", date(2025, 7, 22)),
    deadline("final-report-to-panel", date(2025, 7, 4)),
]
MINIMAL_DEADLINES = [
    deadline("panel-notification", date(2025, 1, 10)),
    deadline("partners-notification", date(2025, 1, 10)),
    deadline("rapid-review", date(2025, 1, 24), provisional=True),
]


def full_case() -> dict[str, Any]:
    return tomllib.loads(FULL_CASE_TOML)


def render_md(name: str, case: dict[str, Any] | None = None, *,
              templates_dir: Path | None = None, agency: str | None = None,
              deadlines: list[Deadline] | None = None) -> str:
    result = drafts.render(
        name, case if case is not None else full_case(), SETTINGS,
        FULL_DEADLINES if deadlines is None else deadlines, "md",
        agency=agency, today=LETTER_DAY.get(name, TODAY) if case is None else TODAY,
        templates=drafts.TemplateStore(templates_dir),
    )
    return result.text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LSCP_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with LSCP_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


# -- golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", LETTERS)
def test_full_case_matches_golden(name: str) -> None:
    agency = "Leeds Community Healthcare" if name == "agency-request" else None
    check_golden(f"{name}.md", render_md(name, agency=agency))


@pytest.mark.parametrize("name", LETTERS)
def test_new_case_matches_golden_with_visible_placeholders(name: str) -> None:
    case = tomllib.loads(MINIMAL_CASE_TOML)
    if name in CSPR_LETTERS:
        # These two are refused without a CSPR decision (test_statute.py): decided, nothing more.
        case["rapid_review"] = {"decision": "cspr"}
    agency = "Fictional Health Trust" if name == "agency-request" else None
    if agency:
        case, hypothetical = drafts.with_agency_requested(case, agency, TODAY)
        assert hypothetical
    deadlines = [*MINIMAL_DEADLINES, deadline("agency-return", date(2025, 1, 13),
                                              agency="Fictional Health Trust")]
    text = render_md(name, case, agency=agency, deadlines=deadlines)
    check_golden(f"{name}.new-case.md", text)
    assert "None" not in text
    assert "[" in text  # gaps are shown for the officer to fill


@pytest.mark.parametrize("name", LETTERS)
def test_every_letter_is_marked_draft_and_protectively_marked_top_and_bottom(name: str) -> None:
    agency = "Leeds Community Healthcare" if name == "agency-request" else None
    lines = [line for line in render_md(name, agency=agency).splitlines() if line.strip()]
    assert lines[0] == "**OFFICIAL-SENSITIVE**"
    assert "DRAFT" in lines[1]
    assert "OFFICIAL-SENSITIVE" in lines[-1] and "DRAFT" in lines[-1]
    assert any(line.startswith("# ") for line in lines)


def test_marking_comes_from_settings() -> None:
    settings = Settings(protective_marking="OFFICIAL")
    text = drafts.render("panel-outcome", full_case(), settings, FULL_DEADLINES,
                         today=TODAY).text
    assert text.startswith("**OFFICIAL**")
    assert "OFFICIAL-SENSITIVE" not in text


def test_panel_notification_has_what_the_national_form_asks() -> None:
    text = render_md("panel-notification")
    for expected in (
        "| Initials | A.B. |",
        "| Age at the incident | 5 years 9 months |",
        "| Age at the incident | 3 weeks |",
        "| Sex | Female |",
        "| Ethnicity | White British |",
        "| Disability | No |",
        "| Looked after by a local authority | No |",
        "| Child in need plan | Yes |",
        "| Known to | Children's Social Work Service, Leeds Community Healthcare |",
        "| Type of incident | Serious harm |",
        "| Date of the incident | Thursday 2 January 2025 |",
        "| In the local authority's area | Yes |",
        "| Abuse or neglect | Suspected |",
        "**Date the local authority became aware:** Friday 3 January 2025",
        "**Notification due by:** Friday 10 January 2025",
        "## Case outline",
    ):
        assert expected in text


# -- filters, escaping and the context -------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(2019, 4, 2), date(2025, 1, 2), "5 years 9 months"),
        (date(2019, 4, 2), date(2025, 4, 2), "6 years"),
        (date(2024, 1, 31), date(2025, 1, 30), "11 months"),
        (date(2024, 1, 2), date(2025, 2, 2), "1 year 1 month"),
        (date(2024, 12, 10), date(2025, 1, 2), "3 weeks"),
        (date(2025, 1, 1), date(2025, 1, 2), "1 day"),
        (date(2025, 1, 2), date(2025, 1, 2), "0 days"),
        (date(2025, 1, 3), date(2025, 1, 2), None),  # born after: not an age
        (None, date(2025, 1, 2), None),
    ],
)
def test_age_at(born: date | None, on: date, expected: str | None) -> None:
    assert drafts.age_at(born, on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A.B. went to school", "A.B. went to school"),
        ("# not a heading", "\\# not a heading"),
        ("* not a list", "\\* not a list"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("> not a quote", "\\> not a quote"),
        ("    not code", "not code"),
        ("<script>x</script>", "\\<script\\>x\\</script\\>"),
        ("[link](http://example.org)", "[link\\](http://example.org)"),
        ("[x]: http://example.org", "\\[x\\]: http://example.org"),
        ("a | b", "a \\| b"),
        ("_emphasis_ but snake_case", "\\_emphasis\\_ but snake_case"),
        ("lscp@example.org and @citation", "lscp@example.org and \\@citation"),
        ("&amp; and R&D", "\\&amp; and R&D"),
        ("[date not recorded]", "[date not recorded]"),
        ("line one\n\n# line three", "line one\n\n\\# line three"),
    ],
)
def test_md_escape(text: str, expected: str) -> None:
    assert drafts.md_escape(text) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ incident.location }}", "[not recorded]"),  # no placeholder given: still visible
        ("{{ incident.location | otherwise('[where?]') }}", "[where?]"),
        ("{{ incident.occurred | date_or('[when?]') }}", "[when?]"),
        ("{{ incident.aware }}", "Friday 3 January 2025"),
        ("{{ incident.aware | long_date }}", "Friday 3 January 2025"),
        ("{{ children[0].looked_after | yes_no('[?]') }}", "[?]"),
        ("{{ children[0].known_to | otherwise('[none]') }}", "[none]"),
        ("{{ incident.type | label }}", "Death"),
        ("{{ cspr.author | otherwise('[author]') }}", "[author]"),
        ("{{ deadlines.cspr_publication.due | date_or('[n/a]') }}", "[n/a]"),
        ("{{ deadlines.rapid_review.provisional }}", "Yes"),
        ("{{ partnership.address | lines }}",
         "Leeds Safeguarding Children Partnership\\\nFictional House\\\nLeeds LS1 1AA"),
        ("{{ today }}", "Monday 6 January 2025"),
    ],
)
def test_unrecorded_fields_are_in_the_context_and_render_visibly(
    tmp_path: Path, source: str, expected: str
) -> None:
    (tmp_path / "probe.md.j2").write_text(source, encoding="utf-8")
    text = render_md("probe", tomllib.loads(MINIMAL_CASE_TOML), templates_dir=tmp_path,
                     deadlines=MINIMAL_DEADLINES)
    assert text == expected


def test_empty_text_in_a_case_counts_as_not_recorded() -> None:
    case = full_case()
    case["cspr"]["not_published_reason"] = ""
    context = drafts.build_context(case, SETTINGS, [], today=TODAY)
    assert context["cspr"]["not_published_reason"] is None


def test_with_agency_requested_uses_the_recorded_request_when_there_is_one() -> None:
    case = full_case()
    same, hypothetical = drafts.with_agency_requested(case, " west yorkshire  POLICE", TODAY)
    assert not hypothetical and same == case
    new, hypothetical = drafts.with_agency_requested(case, "Fictional School", date(2025, 2, 3))
    assert hypothetical
    assert new["agencies"][-1] == {"name": "Fictional School", "requested": date(2025, 2, 3)}
    assert len(case["agencies"]) == 2  # the case itself is untouched


def test_agency_request_names_the_agency_and_its_return_date() -> None:
    text = render_md("agency-request", agency="leeds community healthcare")
    assert "Leeds Community Healthcare" in text
    assert "**Please reply by Monday 13 January 2025.**" in text


# -- HTML and Word ---------------------------------------------------------------------------

HOSTILE_SUMMARY = (
    "FICTIONAL. <script>alert('x')</script> <img src=x onerror=alert(1)>\n"
    "# Injected heading\n"
    "* injected list\n"
    "[click](javascript:alert(1)) **bold?**"
)


def test_html_escapes_case_text_and_keeps_its_structure() -> None:
    case = full_case()
    case["incident"]["summary"] = HOSTILE_SUMMARY
    case["children"][0]["initials"] = "<b>A.B.</b>"
    html = drafts.render("panel-notification", case, SETTINGS, FULL_DEADLINES, "html",
                         today=TODAY).text
    assert "<script" not in html and "<img" not in html and "<b>A.B." not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html and "&lt;b&gt;A.B." in html
    assert "javascript:" not in html.replace("[click](javascript:", "")
    assert "Injected heading</h" not in html
    assert "<li>injected" not in html
    assert "<strong>bold?</strong>" not in html
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<h1" in html and "<table" in html and "@media print" in html


@pytest.mark.parametrize("name", LETTERS)
def test_every_letter_renders_to_html_and_word(name: str) -> None:
    import docx

    agency = "Leeds Community Healthcare" if name == "agency-request" else None
    html = drafts.render(name, full_case(), SETTINGS, FULL_DEADLINES, "html", agency=agency,
                         today=TODAY).text
    assert "OFFICIAL-SENSITIVE" in html and "DRAFT" in html
    word = drafts.render(name, full_case(), SETTINGS, FULL_DEADLINES, "docx", agency=agency,
                         today=TODAY)
    document = docx.Document(io.BytesIO(word.content))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert paragraphs[0].runs[0].bold
    assert "OFFICIAL-SENSITIVE" in paragraphs[-1].text
    assert [p for p in paragraphs if p.style is not None and p.style.name == "Heading 1"]


def test_word_document_has_real_headings_tables_and_lists() -> None:
    import docx

    word = drafts.render("panel-notification", full_case(), SETTINGS, FULL_DEADLINES, "docx",
                         today=TODAY)
    document = docx.Document(io.BytesIO(word.content))
    styles = {p.text: p.style.name for p in document.paragraphs if p.style is not None}
    assert styles["Notification of a serious child safeguarding incident"] == "Heading 1"
    assert styles["The incident"] == "Heading 2"
    assert styles["Child 1 of 2"] == "Heading 3"
    cells = {row.cells[0].text: row.cells[1].text for t in document.tables for row in t.rows}
    assert cells["Age at the incident"] in ("5 years 9 months", "3 weeks")
    assert cells["Type of incident"] == "Serious harm"
    summary = drafts.render("rapid-review-summary", full_case(), SETTINGS, FULL_DEADLINES,
                            "docx", today=TODAY)
    listed = docx.Document(io.BytesIO(summary.content))
    # pandoc makes real Word lists: numbering properties on the paragraph, not a "List" style.
    bullets = [p for p in listed.paragraphs
               if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert any("Bruising" in p.text for p in bullets)


def test_word_uses_the_casebook_reference_document(tmp_path: Path) -> None:
    import docx
    import pypandoc

    reference = tmp_path / "reference.docx"
    pypandoc.convert_text("# x", "docx", format="markdown", outputfile=str(reference))
    styled = docx.Document(str(reference))
    styled.styles["Heading 1"].font.name = "Fictional Letterhead Serif"
    styled.save(str(reference))
    word = drafts.render("panel-outcome", full_case(), SETTINGS, FULL_DEADLINES, "docx",
                         today=TODAY, templates=drafts.TemplateStore(tmp_path))
    document = docx.Document(io.BytesIO(word.content))
    assert document.styles["Heading 1"].font.name == "Fictional Letterhead Serif"


# -- finding templates and overriding them ---------------------------------------------------


def test_casebook_template_wins_over_the_built_in(tmp_path: Path) -> None:
    (tmp_path / "panel-outcome.md.j2").write_text(
        "{#- lscp template\ndescription: Our own outcome letter.\n-#}\n"
        "Our letter for {{ case.id }}\n", encoding="utf-8")
    assert render_md("panel-outcome", templates_dir=tmp_path) == "Our letter for LSCP-2025-001\n"
    assert render_md("panel-notification", templates_dir=tmp_path).startswith("**OFFICIAL")
    infos = {t.name: t for t in drafts.TemplateStore(tmp_path).templates()}
    assert infos["panel-outcome"].overridden
    assert infos["panel-outcome"].description == "Our own outcome letter."
    assert not infos["panel-notification"].overridden


def test_casebook_layout_restyles_every_letter(tmp_path: Path) -> None:
    (tmp_path / "_letter.md.j2").write_text(
        "TOP {{ marking }}\n# {% block title %}{% endblock %}\n\n"
        "{% block body %}{% endblock %}\nFOOT\n", encoding="utf-8")
    text = render_md("panel-outcome", templates_dir=tmp_path)
    assert text.startswith("TOP OFFICIAL-SENSITIVE\n# Rapid Review outcome: SI-12345\nDear")
    assert text.endswith("FOOT\n")


def test_casebook_only_template_is_listed_and_renders(tmp_path: Path) -> None:
    (tmp_path / "thank-you.md.j2").write_text("Thanks, {{ partnership.short_name }}\n",
                                              encoding="utf-8")
    infos = {t.name: t for t in drafts.TemplateStore(tmp_path).templates()}
    assert not infos["thank-you"].builtin and infos["thank-you"].description
    assert render_md("thank-you", templates_dir=tmp_path) == "Thanks, LSCP\n"


def test_builtins_are_listed_with_descriptions() -> None:
    infos = {t.name: t for t in drafts.TemplateStore().templates()}
    added = {"author-commission", "practitioner-invitation", "family-draft-report",
             "nspcc-submission", "action-update-request"}  # tests/test_letters.py
    partials = {"_letter", "_family-letter", "_other-authority"}
    assert set(LETTERS) | added | partials == set(infos)
    assert all(len(t.description) > 30 for t in infos.values())
    assert infos["agency-request"].requires == ("agency",)


@pytest.mark.parametrize("name", ["../etc/passwd", "Panel", "a/b", "", "x" * 80])
def test_template_names_cannot_leave_the_templates_folder(name: str) -> None:
    with pytest.raises(TemplateError, match="not a template name"):
        render_md(name)


def test_unknown_template_says_where_to_look(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no template called 'nope'.*lscp templates"):
        render_md("nope", templates_dir=tmp_path)


def test_layout_is_not_a_letter() -> None:
    with pytest.raises(TemplateError, match="shared part"):
        render_md("_letter")


# -- strictness, syntax errors and the sandbox -----------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("line 1\n{{ incident.locaton }}\n", r"probe\.md\.j2:2: .*'probe'.*'locaton'"),
        ("{{ childs[0].initials }}\n", r"probe\.md\.j2:1: .*the name 'childs'"),
        ("{{ agency.name }}\n", r"probe\.md\.j2:1: .*'probe'"),  # no --agency given
        ("{% for c in children %}{{ c.nmae }}{% endfor %}", r"'nmae'"),
        ("{% if %}\n", r"probe\.md\.j2:1: template syntax error"),
        ("ok\n\n{% for x in y %}\n", r"probe\.md\.j2:\d: template syntax error"),
        ("{% include 'missing.md.j2' %}", r"uses 'missing\.md\.j2'"),
        ("{{ ''.__class__.__mro__ }}", r"probe\.md\.j2:1: .*may not do"),
        ("{{ case.__class__ }}", r"may not do"),
        ("{{ cycler.__init__.__globals__ }}", r"may not do"),
        ("{{ children.append(1) }}", r"may not do"),  # templates cannot change the case
        ("{{ incident.occurred.year }}", r"'year'"),  # an empty date has no year
    ],
)
def test_template_problems_name_the_template_line_and_field(
    tmp_path: Path, source: str, message: str
) -> None:
    (tmp_path / "probe.md.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        render_md("probe", tomllib.loads(MINIMAL_CASE_TOML), templates_dir=tmp_path)
    assert "probe" in str(caught.value)  # every message names the template or its file


def test_syntax_error_in_a_casebook_override_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "panel-outcome.md.j2"
    path.write_text("fine\nfine\n{{ oops( }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_md("panel-outcome", templates_dir=tmp_path)
    assert str(caught.value).startswith(f"{path}:3: template syntax error")


@pytest.mark.parametrize(
    "source",
    [
        "{{ incident.summary.nope }}",
        "{{ {}[incident.summary] }}",  # Jinja's own message quotes the missing key
        "{{ {}[children[0].initials] }}",
        "{{ {}[incident.summary] + 1 }}",
        "{{ (incident.summary ~ '%d') % 'x' ~ {}.nope }}",
    ],
)
def test_error_messages_do_not_quote_case_content(tmp_path: Path, source: str) -> None:
    case = full_case()
    assert "FICTIONAL" in case["incident"]["summary"] and case["children"][0]["initials"]
    (tmp_path / "probe.md.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_md("probe", case, templates_dir=tmp_path)
    message = str(caught.value)
    assert "'probe'" in message
    assert "FICTIONAL" not in message and "carers" not in message
    assert case["children"][0]["initials"] not in message


# -- writing drafts --------------------------------------------------------------------------


def test_write_draft_is_private_and_never_overwrites_unasked(tmp_path: Path) -> None:
    result = drafts.render("panel-outcome", full_case(), SETTINGS, FULL_DEADLINES, today=TODAY)
    casebook = Casebook(tmp_path)
    path = casebook.write_draft(result)
    assert path == tmp_path / "drafts" / "LSCP-2025-001" / "panel-outcome.md"
    assert path.read_bytes() == result.content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    path.write_text("officer's edits", encoding="utf-8")
    with pytest.raises(LscpError, match="overwrite=True") as refused:
        casebook.write_draft(result)
    # The library speaks to a script in its arguments; the command line in its flags.
    assert "--force" not in str(refused.value)
    assert "use --force to overwrite it" in refused.value.command_line()
    assert path.read_text(encoding="utf-8") == "officer's edits"
    casebook.write_draft(result, path, overwrite=True)
    assert path.read_bytes() == result.content


def test_copy_template_copies_the_built_in_once(tmp_path: Path) -> None:
    target = drafts.TemplateStore(tmp_path / "templates").copy("agency-request")
    assert target.read_text(encoding="utf-8") == drafts.builtin_source("agency-request")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.write_text("edited", encoding="utf-8")
    with pytest.raises(LscpError, match="overwrite=True"):
        drafts.TemplateStore(tmp_path / "templates").copy("agency-request")
    assert target.read_text(encoding="utf-8") == "edited"
    with pytest.raises(TemplateError, match="no built-in template"):
        drafts.TemplateStore(tmp_path / "templates").copy("thank-you")


def test_copy_reference_docx_gives_a_word_styles_document_drafts_then_use(
    tmp_path: Path,
) -> None:
    import docx

    target = drafts.TemplateStore(tmp_path).copy("reference.docx")
    assert target == tmp_path / "reference.docx"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    styles = docx.Document(str(target))
    styles.styles["Normal"].font.name = "Fictional Sans"
    styles.save(str(target))
    word = drafts.render("panel-outcome", full_case(), SETTINGS, FULL_DEADLINES, "docx",
                         today=TODAY, templates=drafts.TemplateStore(tmp_path))
    assert docx.Document(io.BytesIO(word.content)).styles["Normal"].font.name == "Fictional Sans"


def test_docx_has_no_text_view() -> None:
    result = drafts.render("panel-outcome", full_case(), SETTINGS, FULL_DEADLINES, "docx",
                           today=TODAY)
    assert result.content.startswith(b"PK")
    with pytest.raises(TemplateError):
        _ = result.text
