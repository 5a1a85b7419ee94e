"""Letters take the partnership's facts from lscp.toml, never from the template's text.

The sign-off and the family's contact come from `[notifier]` (a `[placeholder]` while it is
empty), so a casebook that sets it can draft `--final` letters; every timescale a letter
writes ("6 months", "15 working days") is the number of the rules in effect (rules.toml with
lscp.toml `[rules]`). Every case here is FICTIONAL (the example casebook).
"""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lscp_cli.casebook import Casebook
from lscp_cli.cli import cli
from lscp_cli.drafts import draft_for_case
from lscp_cli.drafts.placeholders import find_placeholders
from lscp_cli.errors import LetterRefused
from lscp_cli.process.ruleset import default_rules
from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, parse_settings

EXAMPLES = Path(__file__).parent.parent / "examples"
TODAY = date(2026, 11, 27)
# The example case whose every fact the notifications ask for is recorded.
RECORDED = "LSCP-2026-003"
NOTIFIER = {"name": "Sam Example", "job_title": "Business Manager", "phone": "0113 496 0000",
            "email": "sam.example@example.org"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def examples_copy(tmp_path: Path, *, notifier: bool = True, rules: str = "") -> Path:
    """The example casebook, with or without `[notifier]`, with extra `[rules]` lines."""
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns(".lscp-cache", "drafts",
                                                                   "audit.log", ".*.lock"))
    settings = copy / "lscp.toml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[notifier\]\n.*?(?=^\[)", "", text)  # the examples' own, if any
    if notifier:
        text += "\n[notifier]\n" + "".join(f'{key} = "{value}"\n'
                                            for key, value in NOTIFIER.items())
    for line in rules.splitlines():  # a key the examples set already is replaced
        text = re.sub(rf"(?m)^{line.split('=')[0].strip()} *=.*\n", "", text)
    text = text.replace("[rules]\n", "[rules]\n" + rules)
    settings.write_text(text, encoding="utf-8")
    return copy


def letters(casebook: Casebook) -> list[str]:
    return [t.name for t in casebook.templates.templates() if t.is_letter]


def options_for(template: str, case: dict[str, Any]) -> dict[str, Any]:
    if template == "agency-request":
        return {"agency": (case.get("agencies") or [{"name": "West Yorkshire Police"}])[0]["name"]}
    if template == "action-update-request":
        open_ones = [n for n, a in enumerate(case.get("actions") or [], 1)
                     if not a.get("completed")]
        return {"action": open_ones[0]} if open_ones else {}
    return {}


def every_letter(casebook_dir: Path) -> list[tuple[str, str, str]]:
    """(case id, template, Markdown) for every letter that fits every example case."""
    casebook = Casebook.locate(casebook_dir)
    drawn = []
    for path in sorted((casebook_dir / "cases").glob("*.toml")):
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        for template in letters(casebook):
            options = options_for(template, case)
            if template == "action-update-request" and not options:
                continue
            if template == "agency-request" and not case.get("agencies"):
                options["new_agency"] = True  # an agency not asked yet, in full
            try:
                text = draft_for_case(casebook, case["id"], template, today=TODAY,
                                      **options).text
            except LetterRefused:
                continue
            drawn.append((case["id"], template, text))
    return drawn


# -- the sign-off and the contact: lscp.toml [notifier] ---------------------------------------


@pytest.mark.parametrize("template", ["panel-notification", "partners-notification"])
def test_final_letter_with_notifier_set_for_a_recorded_case(tmp_path: Path,
                                                            template: str) -> None:
    copy = examples_copy(tmp_path)
    # The partners' letter is drafted on the day the partners were notified (refused after).
    when = "2026-07-08" if template == "partners-notification" else "2026-11-27"
    result = run("--dir", str(copy), "draft", RECORDED, template, "--final", "--stdout",
                 "--date", when)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "[" not in text and find_placeholders(text) == []
    assert "DRAFT" not in text
    assert f"{NOTIFIER['name']}\\\n{NOTIFIER['job_title']}\\\n" in text  # the sign-off


def test_final_letter_is_written_as_word_with_the_notifier(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    out = tmp_path / "notification.docx"
    result = run("--dir", str(copy), "draft", RECORDED, "panel-notification", "--final",
                 "-o", str(out), "--date", "2026-11-27")
    assert result.exit_code == 0, result.output
    import docx  # python-docx, a test dependency

    words = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Sam Example" in words and "Business Manager" in words and "DRAFT" not in words


def test_final_letter_without_notifier_is_refused_naming_the_sign_off(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path, notifier=False)
    result = run("--dir", str(copy), "draft", RECORDED, "partners-notification", "--final",
                 "--stdout", "--date", "2026-07-08")
    assert result.exit_code == 1
    listed = [line.removeprefix("error: ").strip() for line in result.stderr.splitlines()]
    assert "[Name]" in listed and "[Job title]" in listed
    assert result.stdout == ""
    # The same letter as a draft shows the gaps to fill.
    draft = run("--dir", str(copy), "draft", RECORDED, "partners-notification", "--stdout",
                "--date", "2026-07-08")
    assert draft.exit_code == 0 and "[Name]\\\n[Job title]\\\n" in draft.stdout


def test_every_sign_off_and_family_contact_comes_from_notifier(tmp_path: Path) -> None:
    drawn = every_letter(examples_copy(tmp_path))
    assert len(drawn) >= 24  # 25: letters already sent are refused (issue 18)
    for case_id, template, text in drawn:
        for gap in ("[Name]", "[Job title]", "[telephone]"):
            assert gap not in text, (case_id, template, gap)
        assert NOTIFIER["name"] in text, (case_id, template)
    family = {template: text for case_id, template, text in drawn
              if case_id == RECORDED and template.startswith("family-")}
    assert set(family) == {"family-cspr-letter", "family-draft-report"}
    for text in family.values():
        # In the body and in the footer written to a parent.
        assert text.count("contact Sam Example on 0113 496 0000 or by e-mail at "
                          "sam.example@example.org") == 2
    summary = next(text for case_id, template, text in drawn
                   if template == "rapid-review-summary")
    assert "Prepared by Sam Example, Business Manager, Leeds Safeguarding" in summary


def test_without_notifier_every_letter_shows_the_sign_off_to_fill(tmp_path: Path) -> None:
    for case_id, template, text in every_letter(examples_copy(tmp_path, notifier=False)):
        assert "[Name]" in text, (case_id, template)
        assert "Sam Example" not in text
        if template.startswith("family-"):
            assert "contact [Name] on [telephone] or by e-mail at lscp.example@example.org" in text


def test_a_new_casebooks_unknowns_are_placeholders_a_final_letter_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lscp init` wrote "Leeds" as the whole address (no street, no postcode) and no mailbox:
    a letter looked complete without them (issue 20)."""
    book = tmp_path / "new"
    made = run("init", str(book))
    assert made.exit_code == 0 and "[placeholders]" in made.stderr
    settings = tomllib.loads((book / "lscp.toml").read_text(encoding="utf-8"))["partnership"]
    assert "[Postcode]" in settings["address"] and "[Building and street]" in settings["address"]
    assert find_placeholders(settings["email"]) == [settings["email"]]
    monkeypatch.setenv("LSCP_DIR", str(book))
    monkeypatch.setenv("LSCP_TODAY", "2025-01-08")
    opened = run("new-incident", "--no-input", "--type", "serious-harm", "--aware",
                 "06/01/2025", "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")
    assert opened.exit_code == 0, opened.output
    letter = run("draft", "LSCP-2025-001", "partners-notification", "--format", "md",
                 "--stdout")
    assert letter.exit_code == 0, letter.output
    assert "[Building and street]\\\nLeeds\\\n[Postcode]" in letter.stdout
    final = run("draft", "LSCP-2025-001", "partners-notification", "--format", "md",
                "--stdout", "--final")
    assert final.exit_code == 1
    for gap in ("[Building and street]", "[Postcode]", "[the business unit's shared mailbox]"):
        assert gap in final.stderr


def test_notifier_job_title_is_a_setting() -> None:
    assert 'job_title = ""' in DEFAULT_SETTINGS_TOML
    settings = parse_settings('[notifier]\njob_title = " Business Manager "\n',
                              Path("lscp.toml"))
    assert settings.notifier["job_title"] == "Business Manager"


# -- timescales: the rules in effect, never typed into a template -----------------------------

PERIOD = re.compile(r"\b(\d+) (working days?|months?)\b")
# Where a letter names the guidance's own number beside the partnership's.
GUIDANCE_SAYS = re.compile(r"(?:guidance says|expectation is) \d+ (?:working days?|months?)")


# A child's age (`4 years 3 months`, `7 months` in a table cell): not a timescale.
AGE = re.compile(r"\b\d+ years?(?: \d+ months?)?|\b\d+ months?(?= \||, | at the time)")


def periods_written(text: str) -> set[str]:
    text = AGE.sub("", GUIDANCE_SAYS.sub("", text))
    return {f"{n} {unit}" for n, unit in PERIOD.findall(text)}


def test_a_casebook_that_sets_nine_months_gets_nine_months_in_the_letters(
        tmp_path: Path) -> None:
    copy = examples_copy(tmp_path, rules="cspr_publication_months = 9\n")
    casebook = Casebook.locate(copy)
    for template in ("author-commission", "panel-outcome", "rapid-review-summary"):
        text = draft_for_case(casebook, RECORDED, template, today=TODAY).text
        assert "9 months" in text, template
        assert periods_written(text) & {"6 months"} == set(), template
        # The sources support only a local aim (SOURCES.md): the months are the
        # partnership's own, never credited to Working Together.
        assert re.search(r"partnership(?:'s own aim|'s aim| aims)", text), template
        assert "Working Together" not in text, template
    commission = draft_for_case(casebook, RECORDED, "author-commission", today=TODAY).text
    assert "within 9 months of the decision to carry it out" in commission


def test_every_timescale_in_every_letter_is_a_rule_in_effect(tmp_path: Path) -> None:
    """Unusual numbers for every rule: each one a letter writes must be one of them."""
    overrides = {"panel_notification_days": 4, "partners_notification_days": 3,
                 "rapid_review_days": 13, "cspr_publication_months": 9,
                 "final_report_days_before_publication": 8, "agency_return_days": 6,
                 "care_leaver_notification_days": 7}
    copy = examples_copy(tmp_path, rules="".join(f"{k} = {v}\n" for k, v in overrides.items()))
    in_effect = {rule.period for rule in Casebook.locate(copy).rules}
    shipped = {rule.period for rule in default_rules()} - in_effect
    assert {"9 months", "13 working days", "4 working days"} <= in_effect
    seen: set[str] = set()
    for case_id, template, text in every_letter(copy):
        written = periods_written(text)
        assert written <= in_effect, (case_id, template, written - in_effect)
        assert not written & shipped
        seen |= written
    # The letters do write them (a test that finds no timescale proves nothing).
    assert {"9 months", "13 working days", "4 working days", "3 working days"} <= seen


def test_default_rules_read_as_before(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    casebook = Casebook.locate(copy)
    outcome = draft_for_case(casebook, RECORDED, "panel-outcome", today=TODAY).text
    assert "(6 months from the decision, the partnership's own aim; not statute)" in outcome
    assert "Working Together" not in outcome
    summary = draft_for_case(casebook, RECORDED, "rapid-review-summary", today=TODAY).text
    assert "15 working days after the notification, in the Panel's guidance" in summary
    assert "partnership's timescale" not in outcome + summary


# -- what the notification form asks for, from the case file ----------------------------------


def test_notification_documents_and_action_taken_come_from_the_case(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    case_path = copy / "cases" / f"{RECORDED}.toml"
    text = case_path.read_text(encoding="utf-8")
    casebook = Casebook.locate(copy)
    letter = draft_for_case(casebook, RECORDED, "panel-notification", today=TODAY).text
    assert "## Documents uploaded with the notification\n\n- Chronology of agency involvement\n"\
        "- Strategy discussion record\n" in letter
    assert "Both children were placed with a relative the same day" in letter
    # An empty list says there are none; nothing recorded leaves the gap to fill.
    text = re.sub(r"(?m)^documents = .*$", "documents = []", text)
    case_path.write_text(text, encoding="utf-8")
    letter = draft_for_case(Casebook.locate(copy), RECORDED, "panel-notification",
                            today=TODAY).text
    assert "with the notification\n\nNone.\n" in letter
    text = re.sub(r"(?m)^documents = .*\n", "", text)
    text = re.sub(r'(?ms)^action_taken = """.*?"""\n', "", text)
    case_path.write_text(text, encoding="utf-8")
    letter = draft_for_case(Casebook.locate(copy), RECORDED, "panel-notification",
                            today=TODAY).text
    assert "[List the important documents" in letter
    assert "[Immediate safeguarding action taken" in letter


def test_notification_documents_must_be_a_list(tmp_path: Path) -> None:
    copy = examples_copy(tmp_path)
    case_path = copy / "cases" / f"{RECORDED}.toml"
    text = case_path.read_text(encoding="utf-8")
    case_path.write_text(re.sub(r"(?m)^documents = .*$", 'documents = "chronology"', text),
                         encoding="utf-8")
    result = run("--dir", str(copy), "check")
    assert result.exit_code == 1
    assert "notification.documents" in result.output and "must be a list of text" in result.output
