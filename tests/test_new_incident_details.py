"""new-incident asks for the Panel form's details (issue 18), or takes them as options; without
prompts a looked-after status or area not given is recorded as "unknown", never left out."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from test_cli_cases import NEW

YEAR = date.today().year
CASE = f"LSCP-{YEAR}-001"


def _data(casebook_dir: Path) -> dict:
    return tomllib.loads((casebook_dir / "cases" / f"{CASE}.toml").read_text(encoding="utf-8"))


def test_no_input_records_unknown_looked_after_and_area_and_says_so(run, casebook_dir) -> None:
    result = run(*NEW, "--child-initials", "C.D.")
    assert result.exit_code == 0, result.output
    data = _data(casebook_dir)
    assert data["incident"]["in_area"] == "unknown"
    assert [c["looked_after"] for c in data["children"]] == ["unknown", "unknown"]
    assert ("recorded as unknown: where it happened (in the area or not); looked-after status "
            "of child 1, 2") in result.stderr
    assert f"`lscp set {CASE} looked_after yes --child N`" in result.stderr
    letter = run("draft", CASE, "panel-notification", "--stdout").stdout
    assert "| Looked after by a local authority | Not known |" in letter
    assert "| In the local authority's area | Not known |" in letter


def test_no_input_takes_every_detail_as_options_in_child_order(run, casebook_dir) -> None:
    result = run(*NEW, "--child-initials", "C.D.", "--child-sex", "female", "--child-sex", "Male",
                 "--child-ethnicity", "White British", "--child-looked-after", "no",
                 "--child-looked-after", "yes", "--child-protection-plan", "unknown",
                 "--child-in-need-plan", "yes", "--child-lives-in", "Leeds",
                 "--child-lives-in", "Bradford (foster placement)", "--area", "outside-england",
                 "--document", "Chronology", "--document", "Strategy discussion record",
                 "--action-taken", "Sibling placed with grandmother")
    assert result.exit_code == 0, result.output
    assert "recorded as unknown" not in result.stderr
    data = _data(casebook_dir)
    first, second = data["children"]
    assert (first["sex"], first["ethnicity"], first["looked_after"],
            first["child_protection_plan"], first["child_in_need_plan"],
            first["lives_in"]) == ("female", "White British", False, "unknown", True, "Leeds")
    assert (second["sex"], second["looked_after"], second["lives_in"]) == (
        "male", True, "Bradford (foster placement)")
    assert "ethnicity" not in second
    assert data["incident"]["in_area"] is False
    assert data["notification"] == {"documents": ["Chronology", "Strategy discussion record"],
                                    "action_taken": "Sibling placed with grandmother"}
    assert run("check").exit_code == 0


def test_no_documents_and_the_old_area_flags(run, casebook_dir) -> None:
    assert run(*NEW, "--no-documents", "--in-area", "--looked-after").exit_code == 0
    data = _data(casebook_dir)
    assert data["notification"]["documents"] == []
    assert data["incident"]["in_area"] is True
    assert data["children"][0]["looked_after"] is True


def test_detail_options_refused_when_they_do_not_fit(run, casebook_dir) -> None:
    for extra, message in (
        (["--child-sex", "female", "--child-sex", "male"], "more values than children"),
        (["--child-sex", "f"], "'f' is not one of"),
        (["--child-looked-after", "maybe"], "'maybe' is not one of"),
        (["--area", "unknown", "--in-area"], "give --area or --in-area/--out-of-area"),
        (["--document", "x", "--no-documents"], "give --document or --no-documents"),
        (["--looked-after", "--child-looked-after", "no"], "not both"),
    ):
        result = run(*NEW, *extra)
        assert result.exit_code == 2, extra
        assert message in result.output, extra
    assert not (casebook_dir / "cases").exists() or not list(
        (casebook_dir / "cases").glob("*.toml"))


def test_prompts_ask_for_the_form_in_order(run, casebook_dir) -> None:
    answers = "\n".join([
        "serious-harm", "", "06/01/2025", "",  # type, occurred, aware, location
        "somewhere",      # area: refused
        "unknown",        # area
        "A.B.", "1/2/2024",  # initials, dob
        "f",              # sex
        "Mixed",          # ethnicity
        "",               # looked after: unknown
        "y",              # child protection plan
        "",               # child in need plan: later
        "Leeds",          # lives in
        "n",              # another child
        "suspected", "",  # abuse or neglect, outline
        "Chronology; Strategy discussion record",
        "",               # action taken: later
    ]) + "\n"
    result = run("new-incident", input=answers, env={"LSCP_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "answer one of in-area/outside-england/elsewhere-in-england/unknown" in result.output
    assert "recorded as unknown" not in result.output  # asked, so nothing to say
    data = _data(casebook_dir)
    assert data["incident"]["in_area"] == "unknown"
    child = data["children"][0]
    assert (child["sex"], child["ethnicity"], child["looked_after"],
            child["child_protection_plan"], child["lives_in"]) == (
        "female", "Mixed", "unknown", True, "Leeds")
    assert "child_in_need_plan" not in child
    assert data["notification"] == {"documents": ["Chronology", "Strategy discussion record"]}


def test_the_unknowns_said_come_with_only_their_own_commands(run, casebook_dir) -> None:
    """Audit of issue 18: an area given (elsewhere-in-england) was followed by 'When known:
    `lscp set ID in_area in-area`', inviting the officer to overwrite what they had typed."""
    result = run(*NEW, "--area", "elsewhere-in-england")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "recorded as unknown: looked-after status of child 1. When known: `lscp set " \
           f"{CASE} looked_after yes` (or no)" in said
    assert "in_area" not in said
    assert _data(casebook_dir)["incident"]["in_area"] == "elsewhere-in-england"


def test_an_unknown_area_alone_names_all_three_areas(run, casebook_dir) -> None:
    result = run(*NEW, "--child-looked-after", "no")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert ("recorded as unknown: where it happened (in the area or not). When known: `lscp set "
            f"{CASE} in_area in-area` (or outside-england, elsewhere-in-england)") in said
    assert "looked_after yes" not in said
