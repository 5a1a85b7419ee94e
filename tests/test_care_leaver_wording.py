"""A care leaver's death is notified to the Secretary of State and Ofsted, not to the Panel, so
its event, `show` and letters do not call it a Panel notification (acceptance pass K).

`care-leaver-notified` records it (`panel-notified` is still accepted: the same fields); `show`
calls the reference the notification reference; every letter's reference line says
"notification reference". Every case here is FICTIONAL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from test_cli_duties_steps import CARE_LEAVER
from test_cli_record_guards import ID, refused

Run = Callable[..., Result]

NOTIFIED = CARE_LEAVER + '\n[notification]\npanel = 2025-01-06\npanel_reference = "N-1"\n'


def test_care_leaver_notified_records_the_notification(
        run: Run, write_case: Callable[..., Path]) -> None:
    path = write_case(CARE_LEAVER)
    result = run("record", ID, "care-leaver-notified", "06/01/2025", "--reference", "N-1")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "panel = 2025-01-06" in text and 'panel_reference = "N-1"' in text
    assert "care-leaver-notified" in run("record", "--help").output


def test_care_leaver_notified_is_refused_for_another_case(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path) -> None:
    path = write_case()  # a serious harm case
    said = " ".join(refused(run, path, casebook_dir, "care-leaver-notified",
                            "06/01/2025").output.split())
    assert "care leaver's death" in said and "panel-notified" in said


def test_show_calls_it_the_notification_reference(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case(NOTIFIED)
    shown = run("show", ID).output
    assert "Panel ref." not in shown
    assert "Notification ref." in shown and "N-1" in shown
    assert "Secretary of State and Ofsted notified" in shown
    assert "National Panel notified" not in shown


def test_no_letter_calls_it_a_national_panel_reference(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case(NOTIFIED)
    drafted = 0
    for template in ("panel-notification", "partners-notification", "agency-request",
                     "rapid-review-summary", "panel-outcome", "action-update-request"):
        args = ["draft", ID, template, "--stdout"]
        if template == "agency-request":
            args += ["--agency", "West Yorkshire Police"]
        result = run(*args)
        if result.exit_code != 0:
            continue  # the letter does not fit a care leaver's death
        drafted += 1
        text = " ".join(result.output.split())
        assert "National Panel reference" not in text, template
        assert "Our reference: LSCP-2025-001 (notification reference N-1)" in text, template
    assert drafted
