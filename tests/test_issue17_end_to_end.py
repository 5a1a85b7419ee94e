"""Issue 17, done when: one scenario driven only through `lscp` commands shows the right
statuses in `show`, `deadlines --all --format json`, `list`, `stats` and the board report.

Fictional casebook, 29 to 31 December 2025 closed, as of Monday 2 February 2026:
- A (serious harm, aware Monday 22 December 2025): Panel and partners told 31 December (the
  national date, a closure day, on time); Police and Health asked 23 December, Police
  answered, Health never; RAG, decision and Rapid Review sent 20 January 2026.
- B (a duplicate of A): withdrawn 24 December.
- C (a care leaver's death, 17, abuse suspected, aware 5 January 2026): nothing recorded.
- D (serious harm, abuse or neglect not suspected): not notifiable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from tests.test_cli_report import Page

Run = Callable[..., Result]


def test_every_report_tells_the_same_true_story(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nclosed = [2025-12-29, 2025-12-30, 2025-12-31]\n", encoding="utf-8")

    def lscp(*args: str, today: str = "2026-02-02") -> Result:
        result = run(*args, env={"LSCP_TODAY": today})
        assert result.exit_code == 0, result.output
        return result

    def new(kind: str, aware: str, abuse: str, dob: str, *extra: str) -> str:
        return lscp("new-incident", "--no-input", "--type", kind, "--aware", aware,
                    "--abuse-or-neglect", abuse, "--child-initials", "A.B.",
                    "--child-dob", dob, *extra).stdout.strip()

    a = new("serious-harm", "22/12/2025", "suspected", "01/03/2019")
    b = new("serious-harm", "23/12/2025", "suspected", "01/03/2019")
    c = new("care-leaver-death", "05/01/2026", "suspected", "01/06/2008")
    d = new("serious-harm", "06/01/2026", "not-suspected", "01/03/2016")
    lscp("record", a, "panel-notified", "31/12/2025", "--reference", "SI-1")
    lscp("record", a, "partners-notified", "31/12/2025")
    lscp("record", a, "agency-requested", "23/12/2025", "--agency", "Police", "--agency", "Health")
    lscp("record", a, "agency-returned", "05/01/2026", "--agency", "Police")
    lscp("record", a, "rag-meeting", "14/01/2026")
    lscp("record", a, "decision", "16/01/2026", "--outcome", "no-cspr")
    lscp("record", a, "rapid-review-submitted", "20/01/2026")
    lscp("record", b, "withdrawn", "24/12/2025", "--duplicate-of", a)

    rows = json.loads(lscp("deadlines", "--all", "--format", "json").stdout)
    status = {(r["case"], r["milestone"], r["agency"]): (r["due"], r["status"]) for r in rows}
    # A: the national dates ignore the closures; Health's return lapsed with the Rapid Review.
    assert status[(a, "panel-notification", None)] == ("2025-12-31", "met")
    assert status[(a, "partners-notification", None)] == ("2025-12-31", "met")
    assert status[(a, "agency-return", "Police")] == ("2026-01-07", "met")
    assert status[(a, "agency-return", "Health")] == ("2026-01-07", "lapsed")
    assert status[(a, "rapid-review", None)][1] == "met"
    # B: withdrawn, never overdue.
    assert {s for (case, _, _), (_, s) in status.items() if case == b} == {"withdrawn"}
    # C: a s16C(1) incident as well as the care leaver's notice, all overdue now.
    assert {m for (case, m, _) in status if case == c} == {
        "panel-notification", "partners-notification", "care-leaver-notification",
        "rapid-review"}
    assert all(s == "overdue" for (case, _, _), (_, s) in status.items() if case == c)
    # D: nothing due.
    assert not any(case == d for case, _, _ in status)
    assert "4 overdue," in lscp("deadlines", "--all").stdout  # C's four, nothing else

    def show(case: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(lscp("show", case, "--format", "json").stdout)
        return data

    assert {d["agency"]: d["status"] for d in show(a)["deadlines"] if d["agency"]} == {
        "Police": "met", "Health": "lapsed"}
    assert show(b)["stage"] == f"withdrawn: a duplicate of {a}"
    assert "s16C(1)" in show(c)["duties"]
    assert show(d)["stage"] == "not notifiable on the recorded facts"

    listed = {r["id"]: r for r in json.loads(lscp("list", "--format", "json").stdout)}
    assert listed[a]["next_deadline"] is None  # the lapsed return is not due
    assert listed[b]["stage"] == f"withdrawn: a duplicate of {a}"
    assert listed[d]["next_deadline"] is None
    open_ids = {r["id"] for r in json.loads(lscp("list", "--open", "--format", "json").stdout)}
    assert b not in open_ids and {a, c} <= open_ids

    stats = json.loads(lscp("stats", "--format", "json").stdout)
    assert stats["agency_returns_on_time"] == {"on_time": 1, "late": 0, "pending": 0,
                                               "lapsed": 1}
    assert stats["panel_notified_on_time"] == {"on_time": 1, "late": 1, "pending": 0}
    assert stats["median_working_days"]["awareness_to_notification"] == 5

    page = Page(lscp("report", "-o", "-").stdout)
    assert page.counts["overdue"] == "4"
    assert set(page.case_rows["overdue"]) == {c}
    assert b not in page.case_rows["open-cases"]
