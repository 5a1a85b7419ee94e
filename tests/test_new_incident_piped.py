"""`lscp new-incident` with its answers piped on stdin (issue 20): read one a line, in the order
asked, as at a terminal; stdout holds only the new id; a wrong answer or too few answers stop
with a message and save nothing (asking again would take the line meant for the next
question); a script that gives every needed option is never asked. All data FICTIONAL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-01-08"}
ANSWERS = [
    "serious-harm",       # type
    "",                   # occurred: not known
    "06/01/2025",         # aware
    "Leeds",              # location
    "in-area",            # where it happened
    "A.B.",               # child 1's initials
    "02/04/2019",         # date of birth
    "female",             # sex
    "",                   # ethnicity: later
    "no",                 # looked after
    "",                   # child protection plan: later
    "",                   # child in need plan: later
    "",                   # where the child lives: later
    "n",                  # another child
    "suspected",          # abuse or neglect
    "Fictional outline",  # summary
    "none",               # documents
    "",                   # immediate action: later
]


def _piped(answers: list[str]) -> str:
    return "".join(f"{answer}\n" for answer in answers)


def _saved(casebook: Path) -> list[Path]:
    return sorted((casebook / "cases").glob("*.toml")) if (casebook / "cases").exists() else []


def test_answers_piped_open_the_case(run: Run, casebook_dir: Path) -> None:
    result = run("new-incident", input=_piped(ANSWERS), env=TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == "LSCP-2025-001\n"  # the questions went to stderr
    assert "Type of incident" in result.stderr and "Abuse or neglect" in result.stderr
    text = (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text(encoding="utf-8")
    for line in ('type = "serious-harm"', "aware = 2025-01-06", 'initials = "A.B."',
                 "date_of_birth = 2019-04-02", 'abuse_or_neglect = "suspected"',
                 'sex = "female"', "looked_after = false", "Fictional outline"):
        assert line in text


def test_answers_through_a_real_pipe(casebook_dir: Path) -> None:
    env = {**os.environ, **TODAY, "LSCP_DIR": str(casebook_dir)}
    out = subprocess.run([sys.executable, "-m", "lscp_cli", "new-incident"],
                         input=_piped(ANSWERS), capture_output=True, text=True, env=env,
                         check=False, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "LSCP-2025-001\n"
    assert "next: Notify the National Panel" in out.stderr
    assert [path.name for path in _saved(casebook_dir)] == ["LSCP-2025-001.toml"]


def test_a_wrong_answer_piped_stops_and_saves_nothing(run: Run, casebook_dir: Path) -> None:
    answers = [*ANSWERS]
    answers[2] = "the sixth"  # aware: not a date; asking again would read "Leeds" as it
    result = run("new-incident", input=_piped(answers), env=TODAY)
    assert result.exit_code == 2
    assert "error: 'the sixth' is not a date" in result.stderr
    assert "one a line, in the order the questions are asked" in result.stderr
    assert result.stderr.count("error: ") == 1  # stopped at once, never asked again
    assert _saved(casebook_dir) == []
    answers = [*ANSWERS]
    answers[13] = "maybe"  # a yes/no question
    result = run("new-incident", input=_piped(answers), env=TODAY)
    assert result.exit_code == 2 and "error: answer y or yes, n or no" in result.stderr
    answers = [*ANSWERS]
    answers[4] = "Bradford"  # one of a few words
    result = run("new-incident", input=_piped(answers), env=TODAY)
    assert result.exit_code == 2 and "error: answer one of in-area/" in result.stderr
    assert result.stderr.count("error: ") == 1
    answers = [*ANSWERS]
    answers[0] = "harm"  # a choice
    result = run("new-incident", input=_piped(answers), env=TODAY)
    assert result.exit_code == 2 and "error: answer one of death, serious-harm" in result.stderr
    assert _saved(casebook_dir) == []


def test_too_few_answers_stop_and_save_nothing(run: Run, casebook_dir: Path) -> None:
    result = run("new-incident", input=_piped(ANSWERS[:-1]), env=TODAY)
    assert result.exit_code == 2
    assert "error: the answers ran out before the last question" in result.stderr
    assert "Aborted" not in result.output
    assert _saved(casebook_dir) == []


def test_a_script_giving_every_needed_option_is_not_asked(run: Run, casebook_dir: Path
                                                          ) -> None:
    result = run("new-incident", "--type", "serious-harm", "--aware", "06/01/2025",
                 "--child-initials", "A.B.", input="", env=TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == "LSCP-2025-001\n"
    assert "Type of incident" not in result.output


def test_a_wrong_choice_at_a_terminal_is_asked_again_in_lscp_words(run: Run) -> None:
    answers = ["harm", *ANSWERS]  # the first answer is refused, then all the right ones
    result = run("new-incident", input=_piped(answers), env={**TODAY, "LSCP_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "error: answer one of death, serious-harm, care-leaver-death" in result.output
    assert "Error:" not in result.output  # click's own prompt said "Error: 'harm' is not..."
    assert result.output.count("Type of incident") == 2


def test_more_answers_than_questions_open_nothing(run: Run, casebook_dir: Path) -> None:
    # An answer pasted twice shifts every later one (here the outline is taken as the list of
    # documents, and "none" as the action taken); the line left over shows it. No case is
    # opened from answers that may not line up with the questions.
    shifted = [*ANSWERS[:16], ANSWERS[15], *ANSWERS[16:]]
    result = run("new-incident", input=_piped(shifted), env=TODAY)
    assert result.exit_code == 2, result.output
    assert "error: 1 more line was piped than the questions asked" in result.stderr
    assert "no case was opened" in result.stderr
    assert "LSCP-" not in result.stdout
    assert _saved(casebook_dir) == []
    result = run("new-incident", input=_piped([*ANSWERS, "spare", "", "spare"]), env=TODAY)
    assert result.exit_code == 2
    assert "error: 3 more lines were piped than the questions asked" in result.stderr
    assert "spare" not in result.output  # the leftover text is not repeated (it may be data)
    # a blank line is an answer too ("take the default"): one too many is refused as well
    result = run("new-incident", input=_piped([*ANSWERS, ""]), env=TODAY)
    assert result.exit_code == 2 and "1 more line was piped" in result.stderr
    assert _saved(casebook_dir) == []


def test_extra_lines_through_a_real_pipe_are_refused(casebook_dir: Path) -> None:
    env = {**os.environ, **TODAY, "LSCP_DIR": str(casebook_dir)}
    out = subprocess.run([sys.executable, "-m", "lscp_cli", "new-incident"],
                         input=_piped([*ANSWERS, "one too many"]), capture_output=True,
                         text=True, env=env, check=False, timeout=60)
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert "1 more line was piped than the questions asked" in out.stderr
    assert _saved(casebook_dir) == []


def test_options_only_never_read_an_open_pipe(casebook_dir: Path) -> None:
    # Every needed option given: nothing is asked, so stdin is never read, even a pipe that
    # stays open with no end (a scheduler's or CI's stdin).
    env = {**os.environ, **TODAY, "LSCP_DIR": str(casebook_dir)}
    with subprocess.Popen([sys.executable, "-m", "lscp_cli", "new-incident", "--type",
                           "serious-harm", "--aware", "06/01/2025", "--child-initials",
                           "A.B."], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, env=env) as proc:
        try:
            assert proc.wait(timeout=60) == 0  # stdin still open: never waited for
        finally:
            proc.kill()
        assert proc.stdout is not None and proc.stdout.read() == "LSCP-2025-001\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_answers_at_a_real_terminal_never_wait_for_more(casebook_dir: Path) -> None:
    # At a terminal the input has no end to read to: the case opens after the last answer,
    # without waiting for more lines (or Ctrl-D).
    import pty
    env = {**os.environ, **TODAY, "LSCP_DIR": str(casebook_dir), "NO_COLOR": "1"}
    env.pop("LSCP_PROMPT", None)
    main, child = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "lscp_cli", "new-incident"], stdin=child,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                          text=True) as proc:
        os.close(child)
        try:
            os.write(main, _piped(ANSWERS).encode())
            assert proc.wait(timeout=60) == 0  # the terminal stays open: no end of input
        finally:
            proc.kill()
            os.close(main)
        assert proc.stdout is not None and "LSCP-2025-001" in proc.stdout.read()
    assert [path.name for path in _saved(casebook_dir)] == ["LSCP-2025-001.toml"]


def test_a_casebook_that_is_not_there_is_said_before_any_question(run: Run, tmp_path: Path
                                                                  ) -> None:
    # (It was said at the fifth question, after the officer had typed four answers.)
    missing = tmp_path / "no-such-casebook"
    for env in (TODAY, {**TODAY, "LSCP_PROMPT": "1"}):  # piped, and as at a terminal
        result = run("--dir", str(missing), "new-incident", input=_piped(ANSWERS), env=env)
        assert result.exit_code == 1, result.output
        assert "error: no casebook at" in result.stderr
        assert "Type of incident" not in result.output
    assert not missing.exists()
