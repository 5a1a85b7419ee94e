"""`lscp report`: the board report's HTML read back, and printed by a real browser."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result
from tests.lifecycle import WITHDRAWN_CASE, walk_late, walk_on_time

from print_tools import PRINT_TOOLS, find

Run = Callable[..., Result]
AS_OF = "2026-06-30"


class Page(HTMLParser):
    """What the tests read from the report: numbers by key, rows by case, tags and sources."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.numbers: dict[str, str] = {}
        self.counts: dict[str, str] = {}
        self.case_rows: dict[str, list[str]] = {}  # section id -> case of each row
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.today: list[str] = []
        self._section = ""
        self._capture: tuple[dict[str, str], str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.tags.append(tag)
        self.urls += [v for k, v in found.items() if k in ("src", "href", "xlink:href")]
        if tag == "section":
            self._section = found.get("id", "")
        if tag == "tr" and "data-case" in found:
            self.case_rows.setdefault(self._section, []).append(found["data-case"])
        if "data-key" in found:
            self._capture = (self.numbers, found["data-key"])
        if "data-count" in found:
            self._capture = (self.counts, found["data-count"])
        if "data-today" in found:
            self.today.append(found["data-today"])

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            target, key = self._capture
            target[key] = data.strip()
            self._capture = None


@pytest.fixture
def lifecycle(run: Run, write_case: Callable[..., Path]) -> tuple[str, str]:
    write_case(WITHDRAWN_CASE, "LSCP-2025-099")
    return walk_on_time(run), walk_late(run)


def report(run: Run, *options: str) -> str:
    result = run("report", "--as-of", AS_OF, "-o", "-", *options)
    assert result.exit_code == 0, result.output
    return result.stdout


def flatten(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = "–" if value is None else str(value)
    return flat


def test_the_report_carries_the_figures_the_cases_and_who_owes_what(
    run: Run, lifecycle: tuple[str, str]
) -> None:
    on_time, late = lifecycle
    html = report(run)
    page = Page(html)
    stats = json.loads(run("stats", "--as-of", AS_OF, "--format", "json").stdout)
    expected = flatten(stats)
    # The months of the publication aim are not a figure: the row's words carry them.
    months = expected.pop("cspr_publication_aim_months")
    # Nor are the case files not counted: the page names those in its NOT COMPLETE box.
    assert expected.pop("case_files_not_counted") == "[]"
    assert expected.pop("case_files_in_doubt") == "[]"
    assert f"within {months} months of the decision (the aim)" in html
    assert {k: v for k, v in page.numbers.items() if k in expected} == expected
    # The hand-worked figures of test_cli_stats, as the Executive reads them.
    assert page.numbers["incidents"] == "2"
    assert page.numbers["panel_notified_on_time.late"] == "1"
    assert page.numbers["median_working_days.notification_to_rapid_review"] == "16.5"
    assert page.numbers["actions.total"] == "5"
    # Open cases: the late one only (the on-time case is closed, one is withdrawn).
    assert page.case_rows["open-cases"] == [late]
    assert page.counts == {"open-cases": "1", "overdue": "1", "open-actions": "2"}
    # Overdue: the council's audit (29 May 2026). Education never returned (due 18 June 2025)
    # but the Rapid Review went without it: lapsed, not overdue.
    assert page.case_rows["overdue"] == [late]
    assert page.case_rows["actions"] == [late, late]
    assert page.today == [AS_OF]


def test_the_pages_dates_read_the_uk_way_and_closures_are_said_truly(
        run: Run, lifecycle: tuple[str, str]) -> None:
    """Issue 20: tables for people date the UK way ("Fri 29 May 2026"), never ISO; the note
    never says closure days move the national deadlines (issue 17)."""
    import re

    html = report(run)
    cells = re.findall(r'<td class="nowrap">([^<]*)</td>', html)
    assert not [c for c in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)], cells
    assert "Fri 29 May 2026" in cells  # the council's audit, overdue
    assert "closure days move its own deadlines only" in html
    assert "and the partnership's closure days." not in html


def test_the_report_is_self_contained_and_marked(
    run: Run, lifecycle: tuple[str, str], casebook_dir: Path
) -> None:
    settings = casebook_dir / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'protective_marking = "OFFICIAL-SENSITIVE"',
        'protective_marking = "OFFICIAL-SENSITIVE </style><b>PERSONAL\\""'), encoding="utf-8")
    html = report(run)
    page = Page(html)
    assert page.urls == []  # nothing fetched: no src or href at all
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert "default-src 'none'" in html
    assert "svg" in page.tags
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page" in style and "size: A4" in style
    assert "break-inside: avoid" in style
    # The marking on every page (margin boxes) and in the page, escaped in both.
    escaped = 'content: "OFFICIAL-SENSITIVE \\3c /style\\3e \\3c b\\3e PERSONAL\\22 "'
    assert style.count(escaped) == 2
    assert "<b>PERSONAL" not in html
    assert html.count("OFFICIAL-SENSITIVE &lt;/style&gt;&lt;b&gt;PERSONAL&#34;") >= 2


def test_written_to_the_casebook_by_default_owner_only(
    run: Run, lifecycle: tuple[str, str], casebook_dir: Path
) -> None:
    result = run("report", "--as-of", AS_OF, "--financial-year", "2025")
    assert result.exit_code == 0, result.output
    path = casebook_dir / "reports" / f"board-report-{AS_OF}.html"
    assert result.stdout.strip() == str(path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    page = Page(path.read_text(encoding="utf-8"))
    assert page.numbers["incidents"] == "1"  # 2025/26: the late case only


def test_period_options_are_checked(run: Run) -> None:
    result = run("report", "--year", "2025", "--financial-year", "2025")
    assert result.exit_code == 2
    assert "choose one period" in result.stderr


# -- in a real browser ---------------------------------------------------------------------------
MANY = """\
schema = 1
id = "LSCP-2026-{n:03d}"

[incident]
type = "serious-harm"
aware = 2026-{month:02d}-{day:02d}

[[children]]
initials = "Z.Z."

[[actions]]
text = "Fictional action {n}, a long description that wraps over more than one line of a table"
owner = "Agency {owner}"
due = 2026-0{due_month}-15
"""


def browser() -> str:
    """Debian's chromium (Chrome or Edge on Windows); a test using it is marked
    `@pytest.mark.print("chromium", ...)`: skipped without it, failed in CI (.ci/run)."""
    found = find(*PRINT_TOOLS["chromium"][0][0])
    if found:
        return found
    pytest.fail("chromium is not installed: `apt-get install -y chromium poppler-utils` "
                "(.ci/run does this), then run the tests again")


def poppler(tool: str) -> str:
    found = find(tool)
    if not found:
        pytest.fail(f"{tool} is not installed: `apt-get install -y poppler-utils`")
    return found


@pytest.mark.print("chromium", "poppler")
def test_chromium_prints_it_on_a4_with_every_case_and_no_console_error(
    run: Run, lifecycle: tuple[str, str], write_case: Callable[..., Path], tmp_path: Path
) -> None:
    _, late = lifecycle
    # Enough open cases and actions to run over several pages and split the timeline chart.
    ids = [late]
    for n in range(10, 40):
        write_case(MANY.format(n=n, month=1 + n % 5, day=1 + n % 27, owner=n % 4,
                               due_month=2 + n % 7), f"LSCP-2026-{n:03d}")
        ids.append(f"LSCP-2026-{n:03d}")
    html_path = tmp_path / "board.html"
    result = run("report", "--as-of", AS_OF, "-o", str(html_path))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "board.pdf"
    printed = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp_path / 'profile'}",
         f"--print-to-pdf={pdf}", html_path.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert printed.returncode == 0, printed.stderr[-2000:]
    console = [line for line in printed.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # e.g. a blocked fetch or a CSP violation would be logged here
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "(A4)" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 3
    text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    for case_id in ids:
        assert case_id in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages  # top and bottom of every page
    assert f"Page {pages} of {pages}" in text
    assert "Today 30 Jun 2026" in text


@pytest.mark.parametrize("command", [["report", "-o", "-"], ["stats", "--format", "json"],
                                     ["actions", "--format", "json"]])
def test_a_bad_case_file_is_named_and_the_rest_still_reported(
    run: Run, write_case: Callable[..., Path], command: list[str]
) -> None:
    from tests.lifecycle import open_case

    good = open_case(run, "serious-harm", "2025-03-03", "A.B.")
    write_case('schema = 1\nid = "LSCP-2025-003"\n[incident\n', "LSCP-2025-003")
    result = run(*command, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "LSCP-2025-003.toml:3" in result.stderr
    if command[0] == "report":
        assert good in result.stdout
    elif command[0] == "stats":
        assert json.loads(result.stdout)["incidents"] == 1
    else:
        assert json.loads(result.stdout) == []
