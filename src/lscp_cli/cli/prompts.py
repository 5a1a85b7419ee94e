"""Questions asked at the terminal: a wrong answer says what is accepted and asks again.

Answers may also be piped in (`lscp new-incident < answers.txt`): one a line, in the order the
questions are asked, a blank line taking the default. Then the questions go to stderr (stdout
holds only the result), and a wrong answer or running out of answers stops with a message:
asking again would take the next line, meant for the next question.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from collections.abc import Iterator, Sequence

import click

from lscp_cli.cli import console

YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})

PIPED = ("answers piped on stdin are read one a line, in the order the questions are asked "
         "(a blank line takes the default)")


# Set inside `asking()` when the answers are piped: a wrong one stops instead of asking again.
_PIPED_RUN = contextvars.ContextVar("piped_run", default=False)


def answers_piped() -> bool:
    """Answers come from a pipe or a file, not a person (LSCP_PROMPT=1: as at a terminal)."""
    return not sys.stdin.isatty() and os.environ.get("LSCP_PROMPT") != "1"


@contextlib.contextmanager
def asking() -> Iterator[None]:
    """Around a run of questions: piped, their text goes to stderr and too few answers stop
    with a message saying how to give them."""
    if not answers_piped():
        yield
        return
    token = _PIPED_RUN.set(True)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except click.Abort:
        raise click.UsageError(f"the answers ran out before the last question; {PIPED}, "
                               "or give the options instead (see -h)") from None
    finally:
        _PIPED_RUN.reset(token)
        sys.stderr.write("\n")  # the last question's line: the answer piped is not echoed
    _refuse_lines_left_over()


# Enough to say "more than"; an endless pipe (`yes |`) is never read to its end.
_MOST_LEFT_OVER = 1000


def _refuse_lines_left_over() -> None:
    """Piped answers end with the last question. A line left over (one pasted twice, one
    too many; a blank line is an answer too) may have shifted every answer after it, so
    nothing is made from them. Read only when piped: a terminal has no end to wait for."""
    left = 0
    for _line in sys.stdin:
        left += 1
        if left == _MOST_LEFT_OVER:
            break
    if left:
        more = f"{left} more line{'s were' if left > 1 else ' was'}"
        if left == _MOST_LEFT_OVER:
            more = f"{_MOST_LEFT_OVER} or more lines were"
        raise click.UsageError(
            f"{more} piped than the questions asked: the answers may not line up with the "
            f"questions (one given twice, or one too many), so no case was opened; {PIPED}, "
            "or give the options instead (see -h)")


def wrong_answer(message: str) -> None:
    """Say what is wrong with an answer; at a terminal the caller asks again, piped (inside
    `asking()`) it stops."""
    if _PIPED_RUN.get():
        raise click.UsageError(f"{message}; {PIPED}")
    console.error(message)


def choose(text: str, choices: Sequence[str], *, default: str) -> str:
    """One of `choices`, typed in any case; Enter takes the default."""
    while True:
        answer = click.prompt(f"{text} ({', '.join(choices)})", default=default).strip()
        if answer.lower() in choices:
            return answer.lower()
        wrong_answer(f"answer one of {', '.join(choices)} (or press Enter for {default})")


def confirm(text: str, *, default: bool, err: bool = False) -> bool:
    """Ask a yes/no question; Enter takes the default.

    click's own confirm answers "maybe" with only "Error: invalid input".
    """
    choices = "Y/n" if default else "y/N"
    while True:
        answer = click.prompt(f"{text} [{choices}]", default="", show_default=False, err=err)
        word = answer.strip().lower()
        if not word:
            return default
        if word in YES:
            return True
        if word in NO:
            return False
        wrong_answer(f"answer y or yes, n or no (or press Enter for "
                     f"{'yes' if default else 'no'})")
