"""Bad input at prompts and in numbers: say what is wrong and how to fix it (issue 9, f-small)."""

from __future__ import annotations

import pytest


def test_wrong_answer_at_a_yes_no_prompt_says_what_is_accepted_and_asks_again(run) -> None:
    # click's own confirm answered "maybe" with only "Error: invalid input". The area and
    # looked-after questions take words since issue 18 (in-area/outside-england/unknown,
    # yes/no/unknown); "Another child?" is still a yes/no.
    answers = "\n".join(["serious-harm", "", "06/01/2025", "Leeds", "maybe", "y", "A.B.", "",
                         "", "", "nope", "n", "", "", "", "perhaps", "n", "suspected", "", "",
                         ""]) + "\n"
    result = run("new-incident", input=answers, env={"LSCP_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "invalid input" not in result.output
    areas = "in-area/outside-england/elsewhere-in-england/unknown"
    assert result.output.count(f"answer one of {areas}") == 1
    assert result.output.count("answer one of yes/no/unknown") == 1
    assert result.output.count("answer y or yes, n or no") == 1
    assert result.output.count("Where did it happen?") == 2  # asked again
    assert result.output.count("looked after?") == 2
    assert result.output.count("Another child in this incident?") == 2


@pytest.mark.parametrize("args, wanted", [
    (["workdays", "add", "06/01/2025", "fifteen"],
     "N must be a whole number of working days, e.g. 15 (or -15 to count back)"),
    (["workdays", "add", "06/01/2025", "1.5"], "whole number of working days"),
    (["workdays", "add", "06/01/2025", "999999"], "between -25000 and 25000"),
    (["workdays", "holidays", "twenty"], "YEAR must be a year such as 2025"),
    (["deadlines", "--within", "ten"],
     "--within must be a whole number of working days, e.g. 10"),
    (["deadlines", "--within", "-3"], "--within must be 0 or more"),
    (["stats", "--year", "25y"], "--year must be a year such as 2025"),
    (["stats", "--financial-year", "2025/26"],
     "--financial-year must be the year it starts, such as 2025 (for April 2025"),
    (["draft", "LSCP-2025-001", "action-update-request", "--action", "first"],
     "--action must be an action's number as `lscp show` lists it, e.g. 1"),
    (["draft", "LSCP-2025-001", "action-update-request", "--action", "0"],
     "--action must be 1 or more"),
])
def test_numbers_that_are_not_numbers_get_a_clear_message(run, args, wanted) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "valid integer" not in result.output
    assert "<=x" not in result.output
    assert wanted in result.output


def _add_closed(casebook_dir, closed: str) -> None:
    settings = casebook_dir / "lscp.toml"
    text = settings.read_text(encoding="utf-8")
    assert "\nclosed = []" in text
    settings.write_text(text.replace("\nclosed = []", f"\nclosed = [{closed}]", 1),
                        encoding="utf-8")


@pytest.mark.parametrize("command", [["check"], ["deadlines"]])
def test_day_first_date_in_lscp_toml_is_named_with_its_line(run, casebook_dir, command) -> None:
    # tomllib says only "Unclosed array" for `closed = [24/12/2025]`.
    _add_closed(casebook_dir, "2025-12-29, 24/12/2025")
    lines = casebook_dir.joinpath("lscp.toml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "24/12/2025" in text)
    result = run(*command)
    assert result.exit_code == 1
    assert f"lscp.toml:{line}" in result.output
    assert "24/12/2025 is a day-first date: TOML dates are written 2025-12-24" in result.output


def test_day_first_date_in_a_case_file_is_named(run, write_case) -> None:
    from conftest import CASE_TEXT
    text = CASE_TEXT.replace("opened = 2025-01-06", "opened = 06/01/2025")
    assert text != CASE_TEXT
    write_case(text)
    result = run("check")
    assert "06/01/2025 is a day-first date: TOML dates are written 2025-01-06" in result.output


def test_a_quoted_day_first_date_is_not_blamed(run, casebook_dir) -> None:
    _add_closed(casebook_dir, '"24/12/2025", 2025-12-29,, ')
    result = run("check")
    assert result.exit_code == 1
    assert "day-first" not in result.output


def _piped(*args: str) -> str:
    """lscp's stdout as a file or another command sees it (not a terminal, no COLUMNS)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run([sys.executable, "-m", "lscp_cli", *args], env=env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return done.stdout


@pytest.mark.parametrize("command, shown", [
    (["templates"], ("name", "source", "description")),
    (["deadlines", "--as-of", "20/01/2025"], ("due", "case", "label", "status")),
])
def test_wide_tables_piped_keep_every_value_whole_on_one_line(write_case, command,
                                                               shown) -> None:
    # A table piped to a file or to grep is never wrapped to a width nor cut: each row's
    # values (as the CSV output gives them) are found whole on one line of the table.
    import csv
    import io

    from lscp_cli.cli.console import people_date

    write_case()
    table = _piped(*command).splitlines()
    rows = list(csv.DictReader(io.StringIO(_piped(*command, "--format", "csv"))))
    assert rows
    for row in rows:
        cells = [people_date(row[key]) for key in shown if row[key]]  # dates the UK way
        assert any(all(v in line for v in cells) for line in table), row
    if command == ["templates"]:
        assert max(len(row["description"]) for row in rows) > 100  # would show wrapping


@pytest.mark.print("chromium", "poppler")
def test_an_html_letter_printed_from_chromium_has_the_marking_on_every_page(
    run, write_case, tmp_path
) -> None:
    # The letter's own text carries the marking once at its top and once at its foot; only the
    # shared @page rule (printing.page_rule, as the board report) repeats it on every sheet.
    import subprocess

    from conftest import CASE_TEXT
    from test_cli_report import browser, poppler

    outline = " ".join(["Fictional outline paragraph for a long letter that runs over pages."]
                       * 12)
    long_summary = "\n\n".join([outline] * 14)
    write_case(CASE_TEXT.replace('summary = """Fictional outline for tests."""',
                                 f'summary = """{long_summary}"""'))
    html = tmp_path / "letter.html"
    result = run("draft", "LSCP-2025-001", "partners-notification", "-o", str(html))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "letter.pdf"
    printed = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", html.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert printed.returncode == 0, printed.stderr[-2000:]
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "(A4)" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 3
    for page in range(1, pages + 1):
        text = subprocess.run([poppler("pdftotext"), "-f", str(page), "-l", str(page),
                               "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.count("OFFICIAL-SENSITIVE") >= 2, (page, text[:300])
        assert f"Page {page} of {pages}" in text


def test_a_wrong_answer_to_resume_it_says_what_is_accepted(run, write_case, tmp_path,
                                                            monkeypatch) -> None:
    from test_cli_edit import BAD, FIX, editor

    write_case()
    assert run("edit", "LSCP-2025-001", env={"EDITOR": editor(tmp_path, BAD)}).exit_code == 1
    monkeypatch.setattr("lscp_cli.cli.changes._interactive", lambda: True)
    result = run("edit", "LSCP-2025-001", input="perhaps\ny\n",
                 env={"EDITOR": editor(tmp_path, FIX, "fixer")})
    assert result.exit_code == 0, result.output
    assert "invalid input" not in result.output
    assert "answer y or yes, n or no (or press Enter for yes)" in result.output
    assert result.output.count("Resume it?") == 2
    assert "saved" in result.output
