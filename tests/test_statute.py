"""Issue 8: the rules and letters say what the sources say, and letters state only what happened.

Every case here is FICTIONAL. Sources are in /work/shared/SOURCES.md (cited in rules.toml).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lscp_cli import drafts
from lscp_cli.cli import cli
from lscp_cli.errors import InvalidFile
from lscp_cli.process.ruleset import default_rules
from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, Settings, parse_settings

# pytest puts tests/ on sys.path: the fictional cases and deadlines of the golden-file tests.
from test_drafts import (
    CSPR_LETTERS,
    FULL_DEADLINES,
    LETTERS,
    MINIMAL_CASE_TOML,
    MINIMAL_DEADLINES,
    SETTINGS,
    TODAY,
    deadline,
    full_case,
)

# A sentence saying a step happened: "has notified", "were told", "met on Monday 20 ...".
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d"
CLAIM = re.compile(
    r"\b(?:has|have|had|was|were) (?:been |now |already )?"
    r"(?:notified|told|reported|asked|decided|agreed|met|commissioned|published|sent|informed)\b"
    r"|\b(?:notified|reported|met|decided|recommended|commissioned|published|sent|informed)\b"
    rf"[^.\n\[]*? on {_DAY}"
    r"|\bconsidered (?:the )?information\b"
    r"|\bis being written by\b",
    re.IGNORECASE,
)


def render(name: str, case: dict[str, Any], deadlines: list[Any] | None = None,
           settings: Settings = SETTINGS) -> str:
    agency = None
    if name == "agency-request":
        agency = "Fictional Health Trust"
        case, _ = drafts.with_agency_requested(case, agency, TODAY)
    return drafts.render(name, case, settings, MINIMAL_DEADLINES if deadlines is None
                         else deadlines, "md", agency=agency, today=TODAY).text


def nothing_recorded(name: str) -> dict[str, Any]:
    """The case on the day it is opened; the two CSPR letters need the decision, so it is there."""
    case = tomllib.loads(MINIMAL_CASE_TOML)
    if name in CSPR_LETTERS:
        case["rapid_review"] = {"decision": "cspr"}
    return case


def claims(text: str) -> list[str]:
    return [match.group(0) for match in CLAIM.finditer(text)]


# -- letters say only what is recorded -------------------------------------------------------


@pytest.mark.parametrize("name", LETTERS)
def test_no_letter_states_an_unrecorded_step(name: str) -> None:
    found = claims(render(name, nothing_recorded(name)))
    if name in CSPR_LETTERS:
        # The one step recorded for these two is the decision to commission a review.
        found = [claim for claim in found if "decided" not in claim.lower()]
    assert found == []


@pytest.mark.parametrize(
    "name",
    ["panel-notification", "partners-notification", "agency-request", "panel-outcome",
     "rapid-review-summary", "publication-notice"],
)
def test_the_claim_search_finds_the_steps_once_they_are_recorded(name: str) -> None:
    # Without this, the test above could pass because the search finds nothing at all.
    agency = "Leeds Community Healthcare" if name == "agency-request" else None
    case = full_case()
    case["cspr"]["sent_to_panel"] = date(2025, 7, 4)
    text = drafts.render(name, case, SETTINGS, FULL_DEADLINES, "md", agency=agency,
                         today=TODAY).text
    assert claims(text), name


@pytest.mark.parametrize("name", LETTERS)
@pytest.mark.parametrize("which", ["full", "new"])
def test_letters_have_no_double_full_stop_no_zero_agencies_no_postal_address(
    name: str, which: str
) -> None:
    if which == "full":
        agency = "Leeds Community Healthcare" if name == "agency-request" else None
        text = drafts.render(name, full_case(), SETTINGS, FULL_DEADLINES, "md", agency=agency,
                             today=TODAY).text
    else:
        text = render(name, nothing_recorded(name))
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text)  # "E.D.." after initials
    assert not re.search(r"\b0 agenc", text)
    assert "Sanctuary Buildings" not in text and "SW1P" not in text
    assert "statutory timescale" not in text
    assert "must reach" not in text


@pytest.mark.parametrize(
    "name", ["agency-request", "partners-notification", "rapid-review-summary", "panel-outcome"]
)
def test_a_provisional_rapid_review_date_says_provisional(name: str) -> None:
    text = render(name, nothing_recorded(name))
    sentence = next(line for line in text.splitlines() if "Friday 24 January 2025" in line)
    assert "provisional" in sentence
    assert "is due with" in sentence or "are due with" in sentence or "Due with" in sentence


def test_agency_request_calls_the_15_days_guidance_and_says_what_is_planned() -> None:
    text = render("agency-request", nothing_recorded("agency-request"))
    assert "Panel's guidance" in text
    assert "is to notify the Child Safeguarding Practice Review Panel" in text
    full = drafts.render("agency-request", full_case(), SETTINGS, FULL_DEADLINES, "md",
                         agency="Leeds Community Healthcare", today=TODAY).text
    assert ("notified the Child Safeguarding Practice Review Panel of a serious child "
            "safeguarding incident on Monday 6 January 2025, and reported it to the "
            "safeguarding partners on Monday 6 January 2025") in full


# -- the panel notification carries what the online form asks for ---------------------------


def test_panel_notification_has_the_online_form_fields() -> None:
    case = full_case()
    case["incident"]["time"] = "14:30"
    case["children"][0]["lives_in"] = "Leeds, with her mother"
    settings = Settings(notifier={"name": "Sam Example", "phone": "0113 000 0000",
                                  "email": "notifier@example.org"})
    text = drafts.render("panel-notification", case, settings, FULL_DEADLINES, "md",
                         today=TODAY).text
    assert "0113 000 0000" in text and "notifier@example.org" in text and "Sam Example" in text
    assert "| Time of the incident | 14:30 |" in text
    assert "| Lives or is placed in | Leeds, with her mother |" in text
    assert "## Documents uploaded with the notification" in text  # notified on 6 January
    assert "https://childsafeguarding.education.gov.uk/" in text
    assert "late" not in text.lower()  # on time: no reason asked for


@pytest.mark.parametrize("status", ["overdue", "met-late"])
def test_a_late_notification_gives_its_reason(status: str) -> None:
    case = full_case()
    late = [deadline("panel-notification", date(2025, 1, 10))]
    late = [type(late[0])(**{**late[0].__dict__, "status": status})]
    text = drafts.render("panel-notification", case, SETTINGS, late, "md", today=TODAY).text
    assert "[The form asks why the notification is after the 5 working days" in text
    case["notification"]["late_reason"] = "The hospital told us on the Friday evening."
    text = drafts.render("panel-notification", case, SETTINGS, late, "md", today=TODAY).text
    assert "**Why the notification is late:** The hospital told us on the Friday evening." in text


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CSPR_LETTERS)
@pytest.mark.parametrize("decision", [None, "no-cspr", "other-review"])
def test_cspr_letters_are_refused_without_a_cspr_decision(
    name: str, decision: str | None
) -> None:
    case = tomllib.loads(MINIMAL_CASE_TOML)
    if decision:
        case["rapid_review"] = {"decision": decision}
    with pytest.raises(drafts.LetterRefused, match=f"^{name} does not fit this case: .*"
                       + (f"'{decision}'" if decision else "none yet")):
        render(name, case)


def one_case_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case_toml: str) -> Path:
    """A casebook (LSCP_DIR) holding one case file, written unless it is there already."""
    (tmp_path / "cases").mkdir(exist_ok=True)
    path = tmp_path / "cases" / f"{tomllib.loads(case_toml)['id']}.toml"
    if not path.exists():
        path.write_text(case_toml, encoding="utf-8")
    (tmp_path / "lscp.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("LSCP_DIR", str(tmp_path))
    return path


def test_cli_refuses_the_family_letter_with_the_reason_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_case_book(tmp_path, monkeypatch, MINIMAL_CASE_TOML)
    result = CliRunner().invoke(cli, ["draft", "LSCP-2025-002", "family-cspr-letter",
                                      "--stdout"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "family-cspr-letter does not fit this case" in result.stderr
    assert "decision --outcome cspr" in result.stderr
    assert not (tmp_path / "drafts").exists()


def test_publication_notice_for_a_withheld_report_is_the_improvements_notice() -> None:
    case = full_case()
    case["cspr"]["not_published_reason"] = "FICTIONAL: publishing would identify a sibling."
    text = drafts.render("publication-notice", case, SETTINGS, FULL_DEADLINES, "md",
                         today=TODAY).text
    assert "# Child Safeguarding Practice Review: information about the improvements" in text
    assert "s16F" in text
    assert "We plan to publish the report" not in text
    case["cspr"]["improvements_published"] = date(2025, 7, 20)
    case["cspr"]["improvements_url"] = "https://example.org/improvements"
    text = drafts.render("publication-notice", case, SETTINGS, FULL_DEADLINES, "md",
                         today=TODAY).text
    assert "They published it on Sunday 20 July 2025 at https://example.org/improvements" in text


def test_publication_notice_names_the_recipients_from_lscp_toml() -> None:
    settings = Settings(final_report_recipients=("Child Safeguarding Practice Review Panel",
                                                 "Secretary of State for Education", "Ofsted"),
                        panel_email="panel.example@example.org")
    text = drafts.render("publication-notice", full_case(), settings, FULL_DEADLINES, "md",
                         today=TODAY).text
    head = text.split("# Child Safeguarding", 1)[0]
    assert "Secretary of State for Education\\\nOfsted\\\n" in head
    assert "By email: the Panel at panel.example@example.org" in head


def test_panel_outcome_goes_by_email_and_says_when_the_address_is_not_set() -> None:
    text = render("panel-outcome", nothing_recorded("panel-outcome"))
    assert "By email: [the Panel's email address: set [panel] email in lscp.toml]" in text
    text = render("panel-outcome", nothing_recorded("panel-outcome"),
                  settings=Settings(panel_email="panel.example@example.org"))
    assert "By email: panel.example@example.org" in text


@pytest.mark.parametrize("name", ["rapid-review-summary", "panel-outcome"])
def test_rapid_review_letters_cover_the_criteria_context_and_views(name: str) -> None:
    text = render(name, nothing_recorded(name))
    for needed in ("regulation 11" if name == "rapid-review-summary" else "Regulation 11",
                   "(a) highlights", "(b) highlights", "(c) highlights", "(d) is one",
                   "national importance", "racism", "Parallel processes", "family's views"):
        assert needed in text, needed
    case = nothing_recorded(name)
    case["rapid_review"] = {"national_review": True}
    assert "may need a national review" in render(name, case)
    case["rapid_review"] = {"national_review": False}
    assert "do not think the case raises issues" in render(name, case)


# -- settings ---------------------------------------------------------------------------------


def test_default_settings_file_has_panel_and_notifier_with_the_default_recipients() -> None:
    settings = parse_settings(DEFAULT_SETTINGS_TOML, Path("lscp.toml"))
    assert settings.panel_email == ""
    assert settings.final_report_recipients == (
        "Child Safeguarding Practice Review Panel", "Secretary of State for Education")
    assert settings.notifier == {"name": "", "job_title": "", "phone": "", "email": ""}
    assert Settings().final_report_recipients == settings.final_report_recipients


def test_panel_and_notifier_settings_are_read() -> None:
    settings = parse_settings(
        '[panel]\nemail = " panel@example.org "\nfinal_report_recipients = ["Panel", "Ofsted"]\n'
        '[notifier]\nphone = "0113 000 0000"\nemail = "me@example.org"\n', Path("lscp.toml"))
    assert settings.panel_email == "panel@example.org"
    assert settings.final_report_recipients == ("Panel", "Ofsted")
    assert settings.notifier == {"phone": "0113 000 0000", "email": "me@example.org"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[panel]\nemail = 3\n", "'email' must be text"),
        ("[panel]\nfinal_report_recipients = []\n", "list of one or more names"),
        ("[panel]\nfinal_report_recipients = \"Panel\"\n", "list of one or more names"),
        ("[panel]\npostal_address = \"x\"\n", "unknown key 'postal_address' in [panel]"),
        ("[notifier]\nphone = 1130000000\n", "'phone' must be text in quotes"),
        ("[notifier]\nmobile = \"x\"\n", "unknown key 'mobile' in [notifier]"),
        ("panel = 1\n", "[panel] must be a table"),
    ],
)
def test_bad_panel_or_notifier_settings_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(InvalidFile) as caught:
        parse_settings(text, Path("lscp.toml"))
    assert message in str(caught.value)


# -- rules cite their sources -----------------------------------------------------------------


def test_every_rule_cites_a_source_and_says_what_is_guidance_or_unverified() -> None:
    sources = {rule.id: rule.source for rule in default_rules()}
    assert all(len(source) > 20 for source in sources.values())
    assert "not statute" in sources["rapid-review"]
    assert "not statute" in sources["cspr-publication"]
    assert "s16F" in sources["cspr-publication"]
    assert "UNVERIFIED" in sources["final-report-to-panel"]
    # The gov.uk page's current title (SOURCES.md: reissued in 2025), never the old one.
    assert "Report the death or serious harm of a child or care leaver" in sources[
        "panel-notification"]
    assert not any("Report a serious" in source for source in sources.values())
    assert "Notification System" in sources["panel-notification"]


# -- counting from a weekend or bank holiday --------------------------------------------------


def _deadline(case_toml: str, milestone: str, calendar_toml: str = "") -> Any:
    from lscp_cli.process.rules import case_deadlines
    from lscp_cli.process.ruleset import load_rules

    settings = parse_settings(calendar_toml, Path("lscp.toml"))
    data = tomllib.loads(case_toml)
    found = case_deadlines(data, settings.calendar.work_calendar(), load_rules(settings),
                           date(2025, 1, 6))
    return next(d for d in found if d.milestone == milestone)


AWARE_SATURDAY = 'id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = 2025-01-04\n'


@pytest.mark.parametrize(
    ("aware", "due"),
    [
        ("2025-01-04", date(2025, 1, 10)),  # Saturday: Monday 6 is day 1 -> Friday 10 January
        ("2025-04-21", date(2025, 4, 28)),  # Easter Monday: Tuesday 22 is day 1 -> Monday 28
        ("2025-01-03", date(2025, 1, 10)),  # a weekday event is unchanged
    ],
)
def test_notification_counts_the_first_working_day_after_the_event_as_day_1(
    aware: str, due: date
) -> None:
    case_toml = f'id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = {aware}\n'
    assert _deadline(case_toml, "panel-notification").due == due
    assert _deadline(case_toml, "partners-notification").due == due


def test_rapid_review_from_a_saturday_notification_is_due_tuesday_22_april_2025() -> None:
    case_toml = ('id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = 2025-03-27\n'
                 "[notification]\npanel = 2025-03-29\n")
    rapid = _deadline(case_toml, "rapid-review")
    assert rapid.due == date(2025, 4, 22)  # over Good Friday and Easter Monday
    assert "2025-03-31 counts as day 1" in rapid.basis


def test_the_old_convention_is_a_named_choice_shown_in_the_basis() -> None:
    old = '[calendar]\nnon_working_day_event = "next-working-day-is-day-0"\n'
    notification = _deadline(AWARE_SATURDAY, "panel-notification", old)
    assert notification.due == date(2025, 1, 13)
    assert "counts as day 0, lscp.toml [calendar] non_working_day_event" in notification.basis
    default = _deadline(AWARE_SATURDAY, "panel-notification",
                        '[calendar]\nnon_working_day_event = "next-working-day-is-day-1"\n')
    assert default.due == date(2025, 1, 10)
    assert "non_working_day_event" not in default.basis
    weekday = AWARE_SATURDAY.replace("2025-01-04", "2025-01-03")
    assert _deadline(weekday, "panel-notification", old).due == date(2025, 1, 10)


def test_a_bad_counting_choice_says_what_to_write() -> None:
    with pytest.raises(InvalidFile, match='"next-working-day-is-day-1" or '
                       '"next-working-day-is-day-0"'):
        parse_settings('[calendar]\nnon_working_day_event = "monday"\n', Path("lscp.toml"))


# -- which duties apply ---------------------------------------------------------------------

LAC_DEATH = ('id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = 2025-01-03\n'
             'abuse_or_neglect = "not-suspected"\n[[children]]\ninitials = "A.B."\n'
             "looked_after = true\n")
CARE_LEAVER = ('id = "LSCP-2025-001"\n[incident]\ntype = "care-leaver-death"\n'
               'aware = 2025-01-03\n[[children]]\ninitials = "A.B."\n')


def _milestones(case_toml: str, as_of: date = date(2025, 1, 6)) -> dict[str, Any]:
    from lscp_cli.process.rules import case_deadlines
    from lscp_cli.process.ruleset import load_rules

    data = tomllib.loads(case_toml)
    return {d.milestone: d for d in case_deadlines(data, Settings().calendar.work_calendar(),
                                                   load_rules(), as_of)}


def test_a_looked_after_childs_death_not_suspected_is_notified_with_no_rapid_review() -> None:
    found = _milestones(LAC_DEATH)
    assert set(found) == {"panel-notification", "partners-notification"}
    assert found["panel-notification"].due == date(2025, 1, 10)
    decided = LAC_DEATH + '[rapid_review]\ndecision = "cspr"\ndecision_date = 2025-01-20\n'
    assert "rapid-review" not in _milestones(decided)


def test_a_care_leavers_death_is_a_notification_to_the_secretary_of_state_and_ofsted_only(
) -> None:
    found = _milestones(CARE_LEAVER)
    assert set(found) == {"care-leaver-notification"}
    assert found["care-leaver-notification"].due == date(2025, 1, 10)
    assert "Ofsted" in found["care-leaver-notification"].label
    notified = CARE_LEAVER + "[notification]\npanel = 2025-01-08\n"
    assert _milestones(notified)["care-leaver-notification"].status == "met"


def test_a_suspected_death_still_has_its_rapid_review() -> None:
    suspected = LAC_DEATH.replace('"not-suspected"', '"suspected"')
    assert "rapid-review" in _milestones(suspected)


def test_show_says_why_there_is_no_rapid_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_case_book(tmp_path, monkeypatch, LAC_DEATH)
    monkeypatch.setenv("COLUMNS", "300")
    result = CliRunner().invoke(cli, ["show", "LSCP-2025-001"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Not needed for this case" in result.stdout
    assert "Rapid Review to the National Panel: the Panel does not consider a looked-after " \
           "child's death where abuse or neglect is not known or suspected" in result.stdout
    as_json = CliRunner().invoke(cli, ["show", "LSCP-2025-001", "--format", "json"])
    import json

    assert [n["milestone"] for n in json.loads(as_json.stdout)["not_needed"]] == ["rapid-review"]


def test_the_stage_of_a_notification_only_case() -> None:
    from lscp_cli.process.progress import stage_of

    assert stage_of(tomllib.loads(CARE_LEAVER), default_rules()) == "awaiting notification"
    assert stage_of(tomllib.loads(LAC_DEATH), default_rules()) == "awaiting Panel notification"
    notified = tomllib.loads(LAC_DEATH + "[notification]\npanel = 2025-01-08\n")
    assert stage_of(notified, default_rules()) == "notified (no Rapid Review)"


@pytest.mark.parametrize("case_toml", [LAC_DEATH, CARE_LEAVER], ids=["lac", "care-leaver"])
@pytest.mark.parametrize("name", ["agency-request", "rapid-review-summary", "panel-outcome"])
def test_rapid_review_letters_are_refused_when_there_is_no_rapid_review(
    case_toml: str, name: str
) -> None:
    with pytest.raises(drafts.LetterRefused, match="there is no Rapid Review for this case"):
        render(name, tomllib.loads(case_toml), deadlines=[])


def test_the_notification_letter_for_a_care_leaver_goes_to_the_secretary_of_state_and_ofsted(
) -> None:
    text = render("panel-notification", tomllib.loads(CARE_LEAVER),
                  deadlines=[deadline("care-leaver-notification", date(2025, 1, 10))])
    assert "# Notification of the death of a care leaver" in text
    assert "notifies the Secretary of State for Education and Ofsted" in text
    assert "Rapid Review is due" not in text
    assert "**Notification due by:** Friday 10 January 2025" in text
    with pytest.raises(drafts.LetterRefused, match="safeguarding partners are not notified"):
        render("partners-notification", tomllib.loads(CARE_LEAVER), deadlines=[])


def test_the_notification_letter_for_a_looked_after_childs_death_says_no_rapid_review() -> None:
    text = render("panel-notification", tomllib.loads(LAC_DEATH),
                  deadlines=MINIMAL_DEADLINES[:2])
    assert "will not consider the death: no Rapid Review is needed" in text
    assert "Rapid Review is due" not in text
    partners = render("partners-notification", tomllib.loads(LAC_DEATH),
                      deadlines=MINIMAL_DEADLINES[:2])
    assert "No Rapid Review is needed" in partners and "Rapid Review is due" not in partners


# -- withheld publication, the Panel's answer, national review --------------------------------

WITHHELD = ('id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = 2024-08-01\n'
            '[[children]]\ninitials = "A.B."\n'
            '[rapid_review]\ndecision = "cspr"\ndecision_date = 2024-08-30\n'
            '[cspr]\nnot_published_reason = "FICTIONAL: it would identify a sibling"\n')


def test_a_withheld_report_stays_open_until_the_improvements_are_published() -> None:
    publication = _milestones(WITHHELD, date(2025, 6, 1))["cspr-publication"]
    assert (publication.status, publication.met) == ("overdue", None)
    done = WITHHELD + "improvements_published = 2025-03-03\n"
    publication = _milestones(done, date(2025, 6, 1))["cspr-publication"]
    assert (publication.status, publication.met) == ("met-late", date(2025, 3, 3))


def _record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case_toml: str,
            *args: str) -> tuple[Any, dict[str, Any]]:
    path = one_case_book(tmp_path, monkeypatch, case_toml or 'id = "LSCP-2025-001"')
    result = CliRunner().invoke(cli, ["record", "LSCP-2025-001", *args],
                                catch_exceptions=False)
    return result, tomllib.loads(path.read_text(encoding="utf-8"))


def test_improvements_published_is_recorded_with_its_url_and_settles_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, data = _record(tmp_path, monkeypatch, WITHHELD, "improvements-published",
                           "2025-03-03", "--url", "https://example.org/improvements")
    assert result.exit_code == 0, result.output
    assert data["cspr"]["improvements_published"] == date(2025, 3, 3)
    assert data["cspr"]["improvements_url"] == "https://example.org/improvements"
    bad, _ = _record(tmp_path, monkeypatch, WITHHELD, "improvements-published", "2025-03-03",
                     "--url", "example.org")
    assert bad.exit_code == 1 and "https://" in bad.stderr


def test_panel_response_is_recorded_and_shown_in_the_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_cli.process.progress import timeline

    result, data = _record(tmp_path, monkeypatch, WITHHELD, "panel-response", "2024-09-20",
                           "--note", "The Panel agrees with the decision")
    assert result.exit_code == 0, result.output
    assert data["rapid_review"]["panel_response"] == date(2024, 9, 20)
    assert (date(2024, 9, 20), "The Panel answered the Rapid Review: The Panel agrees with "
            "the decision") in timeline(data)


def test_decision_records_that_the_partners_think_a_national_review_may_be_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lscp_cli.process.progress import timeline

    result, data = _record(tmp_path, monkeypatch, CARE_LEAVER.replace(
        "care-leaver-death", "death"), "decision", "2025-01-20", "--outcome", "no-cspr",
        "--national-review")
    assert result.exit_code == 0, result.output
    assert data["rapid_review"]["national_review"] is True
    assert any("may need a national review" in what for _, what in timeline(data))
    plain, data = _record(tmp_path, monkeypatch, "", "rag-meeting", "2025-01-19")
    assert plain.exit_code == 0 and data["rapid_review"]["national_review"] is True
    refused, _ = _record(tmp_path, monkeypatch, "", "closed", "--national-review")
    assert refused.exit_code == 2 and "does not use --national-review" in refused.stderr


def test_basis_says_which_numbers_are_unverified() -> None:
    planned = ('id = "LSCP-2025-001"\n[incident]\ntype = "death"\naware = 2025-01-03\n'
               '[rapid_review]\ndecision = "cspr"\ndecision_date = 2025-01-20\n'
               "[cspr]\npublication_planned = 2025-07-15\n")
    final = _milestones(planned)["final-report-to-panel"]
    assert final.due == date(2025, 7, 4)
    assert "unverified" in final.basis
    assert "unverified" in _milestones(CARE_LEAVER)["care-leaver-notification"].basis
    assert "unverified" not in _milestones(planned)["panel-notification"].basis
