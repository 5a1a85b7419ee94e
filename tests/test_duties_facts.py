"""Which duties a case has, from its recorded facts (issue 17), driven through `lscp`.

A care leaver under 18 is a child: with abuse or neglect known or suspected the death is a
s16C(1) incident (Panel notification, report to the partners, Rapid Review) as well as a care
leaver's death notification. Ages are checked on the incident date; an impossible age is
refused, an unknown one said. A case whose facts meet no notification criteria is called so,
never notifiable. A local review is the partners' choice. The national 5 working days cannot
be lengthened. Every case here is FICTIONAL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-02-03"}


def lscp(run: Run, *args: str, code: int = 0) -> Result:
    result = run(*args, env=TODAY)
    assert result.exit_code == code, result.output
    return result


def new(run: Run, kind: str, abuse: str, dob: str | None = None, *extra: str,
        code: int = 0) -> Result:
    args = ["new-incident", "--no-input", "--type", kind, "--occurred", "03/01/2025",
            "--aware", "06/01/2025", "--abuse-or-neglect", abuse, "--child-initials", "A.B.",
            *(["--child-dob", dob] if dob else []), *extra]
    return lscp(run, *args, code=code)


def milestones(run: Run, case: str) -> set[str]:
    shown = json.loads(lscp(run, "show", case, "--format", "json").stdout)
    return {d["milestone"] for d in shown["deadlines"]}


def shown(run: Run, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(lscp(run, "show", case, "--format", "json").stdout)
    return data


# -- a care leaver under 18 --------------------------------------------------------------------
def test_a_care_leaver_of_17_with_abuse_suspected_is_a_s16c_incident_too(run: Run) -> None:
    case = new(run, "care-leaver-death", "suspected", "01/05/2007").stdout.strip()
    assert milestones(run, case) == {"panel-notification", "partners-notification",
                                     "care-leaver-notification", "rapid-review"}
    assert "s16C(1)" in shown(run, case)["duties"]
    # The Rapid Review's steps are accepted, and the letters say it is a serious incident.
    lscp(run, "record", case, "panel-notified", "08/01/2025", "--reference", "SI-7")
    lscp(run, "record", case, "rag-meeting", "20/01/2025")
    lscp(run, "record", case, "decision", "22/01/2025", "--outcome", "no-cspr")
    lscp(run, "record", case, "rapid-review-submitted", "24/01/2025")
    letter = " ".join(lscp(run, "draft", case, "panel-notification", "--stdout")
                      .stdout.split())
    assert "section 16C(1)" in letter and "care leaver" in letter
    assert "does not need a Rapid Review" not in letter
    assert "The Child Safeguarding Practice Review Panel" in letter
    partners = " ".join(lscp(run, "draft", case, "partners-notification", "--stdout")
                        .stdout.split())
    assert "a serious child safeguarding incident: the death of a care leaver under 18" \
        in partners


@pytest.mark.parametrize(("dob", "abuse"), [("01/05/2007", "not-suspected"),
                                            ("01/05/2004", "suspected")])
def test_an_older_care_leaver_or_no_abuse_is_notified_only(run: Run, dob: str,
                                                          abuse: str) -> None:
    case = new(run, "care-leaver-death", abuse, dob).stdout.strip()
    assert milestones(run, case) == {"care-leaver-notification"}
    letter = lscp(run, "draft", case, "panel-notification", "--stdout").stdout
    assert "does not need a Rapid Review" in " ".join(letter.split())


# -- ages on the incident date -------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "dob", "said"), [
    ("death", "01/01/2006", "child 1 was 19 on the incident date (2025-01-03): a serious "
                            "child safeguarding incident is about a child, under 18"),
    ("serious-harm", "02/01/2007", "child 1 was 18 on the incident date"),
    ("care-leaver-death", "02/01/2000", "child 1 was 25 on the incident date (2025-01-03): "
                                        "the care leaver duty covers ages up to and "
                                        "including 24"),
    ("care-leaver-death", "01/05/2010", "a care leaver is 16 or over"),
])
def test_an_age_the_type_rules_out_is_refused(run: Run, kind: str, dob: str,
                                              said: str) -> None:
    result = new(run, kind, "suspected", dob, code=1)
    assert said in " ".join(result.stderr.split())
    assert lscp(run, "list", "--format", "json").stdout.strip() == "[]"


@pytest.mark.parametrize(("kind", "dob"), [("death", "04/01/2007"),
                                           ("care-leaver-death", "04/01/2000")])
def test_the_last_day_of_an_age_is_accepted(run: Run, kind: str, dob: str) -> None:
    # 17 on the incident date, 3 January 2025 (18 the day after); a care leaver 24 (25 the
    # day after). Born a day earlier, the birthday falls on the incident date: refused.
    new(run, kind, "suspected", dob)
    assert new(run, kind, "suspected", dob.replace("04/01", "03/01"), code=1).exit_code == 1


def test_check_reports_an_impossible_age_typed_by_hand(
        run: Run, write_case: Callable[..., Path]) -> None:
    from conftest import CASE_TEXT

    write_case(CASE_TEXT.replace("date_of_birth = 2024-04-02", "date_of_birth = 2001-04-02"))
    result = run("check")
    assert result.exit_code == 1
    assert "child 1 was 23 on the incident date" in " ".join(result.output.split())


def test_an_unknown_date_of_birth_says_the_check_could_not_be_made(run: Run) -> None:
    case = new(run, "serious-harm", "suspected").stdout.strip()
    said = "child 1 has no date of birth, so the age check"
    assert said in " ".join(lscp(run, "check").output.split())
    assert "age not checked: no date of birth" in lscp(run, "show", case).stdout
    assert shown(run, case)["ages"] == [None]


def test_new_incident_says_the_age_check_could_not_be_made(run: Run) -> None:
    """Where the officer types the case in, not only in `check` and `show` afterwards: which
    child has no date of birth, and the command that adds it (then the age is checked)."""
    made = new(run, "death", "suspected", "01/05/2015", "--child-initials", "C.D.")
    case = made.stdout.strip()
    said = " ".join(made.stderr.split())
    assert ("no date of birth for child 2, so the age check (a child is under 18; a care "
            "leaver 16 to 24) could not be made" in said)
    assert f"`lscp set {case} date_of_birth DD/MM/YYYY --child 2`" in said
    assert "child 1" not in said.split("no date of birth")[1].split(".")[0]
    refused = lscp(run, "set", case, "date_of_birth", "01/05/2001", "--child", "2", code=1)
    assert "was 23 on the incident date" in " ".join(refused.output.split())
    lscp(run, "set", case, "date_of_birth", "01/05/2016", "--child", "2")
    with_dates = new(run, "death", "suspected", "01/05/2015")
    assert "no date of birth" not in with_dates.stderr


# -- facts that meet no notification criteria ------------------------------------------------------
@pytest.mark.parametrize("args", [("serious-harm", "not-suspected", "01/05/2015"),
                                  ("death", "not-suspected", "01/05/2015")])
def test_facts_that_meet_no_criteria_are_said_plainly(run: Run, args: tuple[str, ...]) -> None:
    made = new(run, *args)
    case = made.stdout.strip()
    assert "do not meet the notification criteria" in made.stderr
    view = shown(run, case)
    assert view["deadlines"] == [] and view["stage"] == "not notifiable on the recorded facts"
    assert "do not meet the notification criteria" in view["duties"]
    table = lscp(run, "show", case).stdout
    assert "none: the recorded facts do not meet the notification criteria" in table
    assert "awaiting Panel notification" not in table
    assert "do not meet the notification criteria" in " ".join(lscp(run, "check").output.split())
    assert json.loads(lscp(run, "deadlines", "--all", "--format", "json").stdout) == []
    for letter in ("panel-notification", "partners-notification"):
        refused = lscp(run, "draft", case, letter, "--stdout", code=1)
        assert "do not meet the notification criteria" in " ".join(refused.stderr.split())
        assert "the death of a looked-after child" not in refused.stderr
        said = " ".join(refused.stderr.split())  # the gov.uk page by its current title
        assert "Report the death or serious harm of a child or care leaver" in said
        assert "Report a serious child safeguarding incident" not in said


def test_a_looked_after_childs_death_is_still_notified(run: Run) -> None:
    case = new(run, "death", "not-suspected", "01/05/2015", "--looked-after").stdout.strip()
    assert milestones(run, case) == {"panel-notification", "partners-notification"}
    letter = lscp(run, "draft", case, "panel-notification", "--stdout").stdout
    assert "Notification of the death of a looked-after child" in letter


# -- a local review the partners choose ------------------------------------------------------------
@pytest.mark.parametrize("args", [("death", "not-suspected", "01/05/2015", "--looked-after"),
                                  ("care-leaver-death", "not-suspected", "01/05/2004")])
def test_a_local_review_is_accepted_where_no_duty_requires_one(run: Run,
                                                              args: tuple[str, ...]) -> None:
    case = new(run, *args).stdout.strip()
    refused = lscp(run, "record", case, "decision", "22/01/2025", "--outcome", "cspr", code=1)
    said = " ".join(refused.stderr.split())
    assert f"lscp record {case} decision --outcome other-review" in said
    assert "lscp edit" not in said and "change" not in said  # never: change the facts
    lscp(run, "record", case, "decision", "22/01/2025", "--outcome", "other-review")
    assert shown(run, case)["case"]["rapid_review"]["decision"] == "other-review"
    assert lscp(run, "check").exit_code == 0


# -- the national limit -------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["panel_notification_days", "partners_notification_days"])
def test_a_longer_notification_limit_is_refused(run: Run, casebook_dir: Path, key: str) -> None:
    new(run, "serious-harm", "suspected", "01/05/2015")
    (casebook_dir / "lscp.toml").write_text(f"[rules]\n{key} = 10\n", encoding="utf-8")
    for command in (("check",), ("deadlines",)):
        result = lscp(run, *command, code=1)
        said = " ".join(result.output.split())
        assert f"'{key}' must be a whole number of working days from 1 to 5 (got 10)" in said
        assert "5 working days is the national limit" in said
    (casebook_dir / "lscp.toml").write_text(f"[rules]\n{key} = 3\n", encoding="utf-8")
    lscp(run, "deadlines")


# -- initials, never a name --------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "why"), [
    ("O'N.", "other characters than letters, dots, spaces and hyphens"),
    ("A.B.C.D.E.", "got 5 letters, more than 4"), ("jo", "small letters without dots")])
def test_a_refusal_says_what_is_wrong_with_the_initials(run: Run, typed: str, why: str) -> None:
    result = run("new-incident", "--no-input", "--type", "serious-harm", "--aware", "06/01/2025",
                 "--abuse-or-neglect", "suspected", "--child-initials", typed, env=TODAY)
    assert result.exit_code == 2
    assert why in " ".join(result.stderr.split())


@pytest.mark.parametrize("name", ["Lily", "Jo", "Baby", "LILY", "Jane Smith", "ABCD",
                                  "jo", "lw", "bob", "lily"])
def test_a_name_is_refused_as_initials(run: Run, name: str) -> None:
    result = run("new-incident", "--no-input", "--type", "serious-harm", "--aware", "06/01/2025",
                 "--abuse-or-neglect", "suspected", "--child-initials", name, env=TODAY)
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "initials only, never a name: L.W." in said
    assert name not in said  # the name is not repeated where a log may keep it


@pytest.mark.parametrize(("typed", "stored"), [("L.W.", "L.W."), ("LW", "L.W."),
                                               ("l.w.", "L.W."), ("a.b.c.d.", "A.B.C.D."),
                                               ("C", "C."), ("A.B", "A.B."),
                                               ("l.w", "L.W.")])
def test_initials_are_accepted(run: Run, typed: str, stored: str) -> None:
    case = lscp(run, "new-incident", "--no-input", "--type", "serious-harm", "--aware",
                "06/01/2025", "--abuse-or-neglect", "suspected", "--child-initials",
                typed).stdout.strip()
    assert shown(run, case)["case"]["children"][0]["initials"] == stored


@pytest.mark.parametrize("stored", ["Lily", "LILY", "Jo", "Baby"])
def test_check_flags_a_name_stored_as_initials(run: Run, write_case: Callable[..., Path],
                                               stored: str) -> None:
    from conftest import CASE_TEXT

    write_case(CASE_TEXT.replace('initials = "A.B."', f'initials = "{stored}"'))
    result = run("check")
    assert result.exit_code == 1
    assert "initials only, never a name: L.W." in " ".join(result.output.split())
