"""Faults found by the attack (issue 12): casebook templates had no time or size limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from lscp_cli.drafts import limits

Run = Callable[..., Result]

HOSTILE = {
    "endless": ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}"
                "{% endfor %}", "ran for more than"),
    "silent-loop": ("{% set r = range(99999)|list %}{% for a in r %}{% for b in r %}"
                    "{% endfor %}{% endfor %}", "ran for more than"),
    "huge-repeat": ('{{ "x" * 1000000000 }}', "asked for text or a list repeated"),
    "huge-pad": ('{{ "x"|center(1000000000) }}', "asked for the number 1000000000"),
    "huge-method": ('{{ "x".ljust(1000000000) }}', "asked for the number 1000000000"),
    "huge-power": ("{{ 2 ** 100000000 }}", "asked for a power of"),
    "huge-format": ('{{ "%*s" % (1000000000, "") }}', "asked for the number 1000000000"),
    "floods": ('{% for i in range(99999) %}{{ "y" * 99 }}{% endfor %}', "more than 2,000,000"),
    "recursion": ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
                  "calls itself too deeply"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_template_is_stopped_with_a_clear_message(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path,
        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    write_case()
    source, expected = HOSTILE[name]
    folder = casebook_dir / "templates"
    folder.mkdir()
    (folder / "panel-notification.md.j2").write_text(source, encoding="utf-8")
    real_render = limits.render
    # The loops are stopped by the clock (1 s here); the others must be stopped by their
    # own limit, well before the clock, however slow the machine.
    seconds = 1.0 if expected == "ran for more than" else 60.0
    monkeypatch.setattr(limits, "render",
                        lambda t, c, n: real_render(t, c, n, seconds=seconds))
    started = time.monotonic()
    result = run("draft", "LSCP-2025-001", "panel-notification", "--stdout")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1, result.output[:300]
    assert "unexpected" not in result.output
    assert "panel-notification" in result.output
    assert expected in result.output, result.output[:300]


def test_the_clock_works_without_the_alarm(write_case: Callable[..., Path],
                                           casebook_dir: Path) -> None:
    """In a thread (or on Windows) there is no timer signal: the sandbox's own clock stops it."""
    import jinja2

    env = limits.LimitedSandbox(loader=jinja2.DictLoader(
        {"t": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"}))
    env.limit_filters()
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            limits.render(env.get_template("t"), {}, "t", seconds=0.5)
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert isinstance(outcome[0], limits.TemplateLimit)


def test_ordinary_letters_are_untouched(run: Run, write_case: Callable[..., Path]) -> None:
    write_case()
    result = run("draft", "LSCP-2025-001", "panel-notification", "--stdout")
    assert result.exit_code == 0
    assert "DRAFT" in result.output
