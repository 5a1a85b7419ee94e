"""A step the case's duties exclude is refused, not recorded silently (acceptance pass C).

A looked-after child's death with abuse or neglect not known or suspected, and a care leaver's
death, are notified only: no Rapid Review, so no RAG meeting, decision or submission, and no
CSPR; a care leaver's death is not reported to the safeguarding partners either. `record`
refuses such a step with the reason and the way forward, writing nothing; `check` reports one
typed into the file by hand at FILE:LINE. Every case here is FICTIONAL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT
from test_cli_record_guards import ID, refused

Run = Callable[..., Result]

LOOKED_AFTER = (CASE_TEXT.replace('type = "serious-harm"', 'type = "death"')
                .replace('abuse_or_neglect = "suspected"', 'abuse_or_neglect = "not-suspected"')
                .replace("looked_after = false", "looked_after = true"))
CARE_LEAVER = (CASE_TEXT.replace('type = "serious-harm"', 'type = "care-leaver-death"')
               .replace("date_of_birth = 2024-04-02", "date_of_birth = 2003-04-02"))


@pytest.mark.parametrize("args", [
    ("decision", "20/01/2025", "--outcome", "cspr"),
    ("rapid-review-submitted", "21/01/2025"),
    ("rag-meeting", "20/01/2025"),
])
def test_a_looked_after_death_not_suspected_takes_no_rapid_review_step(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path,
        args: tuple[str, ...]) -> None:
    path = write_case(LOOKED_AFTER)
    result = refused(run, path, casebook_dir, *args)
    said = " ".join(result.output.split())
    assert "needs no Rapid Review" in said
    assert "abuse or neglect is not known or suspected" in said
    # The way forward is what the partners may still do, never a change of the facts
    # (issue 17: a refusal must not invite editing the record to get past it).
    assert f"lscp record {ID} decision --outcome other-review" in said
    assert "lscp edit" not in said and "change" not in said
    assert "Traceback" not in result.output


def test_the_same_steps_are_accepted_once_abuse_is_suspected(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case(LOOKED_AFTER.replace('"not-suspected"', '"suspected"'))
    assert run("record", ID, "panel-notified", "06/01/2025", "--reference", "SI-1").exit_code == 0
    assert run("record", ID, "decision", "20/01/2025", "--outcome", "cspr").exit_code == 0


def test_a_care_leavers_death_takes_no_rapid_review_or_partners_step(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path) -> None:
    path = write_case(CARE_LEAVER)
    said = " ".join(refused(run, path, casebook_dir, "rapid-review-submitted",
                            "21/01/2025").output.split())
    assert "needs no Rapid Review" in said and "care leaver" in said
    assert "lscp edit" not in said and "incident.type" not in said
    said = " ".join(refused(run, path, casebook_dir, "partners-notified",
                            "06/01/2025").output.split())
    assert "notification.partners" in said and "care leaver" in said
    # The notification itself is its duty.
    assert run("record", ID, "panel-notified", "06/01/2025", "--reference", "N-1").exit_code == 0


def test_check_reports_an_excluded_step_typed_by_hand(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case(LOOKED_AFTER + "\n[rapid_review]\nsubmitted = 2025-01-21\n")
    result = run("check")
    assert result.exit_code == 1, result.output
    line = LOOKED_AFTER.count("\n") + 3
    assert f"cases/{ID}.toml:{line}: 'rapid_review.submitted' is recorded, but this case " \
        "needs no Rapid Review" in " ".join(result.output.split()).replace(
            f"{ID}.toml: {line}", f"{ID}.toml:{line}")
