"""Limits on rendering a template: time and output size, so a casebook template cannot hang
or flood lscp (`{% for i in range(10**9) %}`, `{{ "x" * 10**9 }}`, a macro that calls itself).

A letter renders in milliseconds and is a few kilobytes; the limits are far above that.
Three defences, because Jinja's sandbox limits neither time nor size (only `range`, to
100,000 items):

* every call, filter and arithmetic operator in a template checks the clock and refuses a
  number big enough to build a huge string or list (`"x" * 10**9`, `center(10**9)`);
* the output is produced piece by piece and stopped once it passes `MAX_OUTPUT_CHARS`;
* where the platform has interval timers (not Windows) and lscp runs in the main thread, a
  timer interrupts even a loop that calls nothing.
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from lscp_cli.errors import TemplateLimit

RENDER_SECONDS = 5.0
MAX_OUTPUT_CHARS = 2_000_000
# Numbers a template may pass to a call or use to repeat text: enough for any padding or
# count a letter needs, too small to build a huge string.
MAX_NUMBER = 100_000
MAX_POWER = 64


class _OutOfTime(Exception):
    """Raised inside the template when its time is up (caught and reworded by `render`)."""


class _TooBig(Exception):
    """Raised inside the template when it asks for a huge value."""


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with a clock and size checks on calls, filters and operators."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = math.inf

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _OutOfTime

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.tick()
        _check_numbers(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "**" and _is_number(right) and abs(right) > MAX_POWER:
            raise _TooBig(f"a power of {right}")
        if operator == "*":
            for count, other in ((left, right), (right, left)):
                if _is_number(count) and isinstance(other, str | list | tuple) and (
                        count * max(len(other), 1) > MAX_OUTPUT_CHARS):
                    raise _TooBig(f"text or a list repeated {count} times")
        if operator == "%":
            _check_numbers(right if isinstance(right, tuple) else (right,), {})
        return super().call_binop(context, operator, left, right)

    def limit_filters(self) -> None:
        """Wrap every filter so it, too, checks the clock and the numbers it is given."""
        self.filters = {name: self._limited(f) for name, f in self.filters.items()}

    def _limited(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def limited(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            _check_numbers(args[1:] if args else args, kwargs)
            return function(*args, **kwargs)

        return limited


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_numbers(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if _is_number(value) and abs(value) > MAX_NUMBER:
            raise _TooBig(f"the number {value}")


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds`, where the platform and thread allow it."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render(template: Template, context: Mapping[str, Any], name: str,
           *, seconds: float = RENDER_SECONDS, max_chars: int = MAX_OUTPUT_CHARS) -> str:
    """Render `template` within the time and size limits; `TemplateLimit` names the template."""
    sandbox = template.environment if isinstance(template.environment, LimitedSandbox) else None
    if sandbox is not None:
        sandbox.deadline = time.monotonic() + seconds
    pieces: list[str] = []
    size = 0
    try:
        with _alarm(seconds + 0.5):
            for piece in template.generate(**context):
                size += len(piece)
                if size > max_chars:
                    raise TemplateLimit(
                        f"template {name!r} produced more than {max_chars:,} characters; a "
                        "letter is a few thousand: look for a loop that repeats too often"
                    )
                pieces.append(piece)
                if sandbox is not None:
                    sandbox.tick()
    except _OutOfTime:
        raise TemplateLimit(
            f"template {name!r} ran for more than {seconds:g} seconds and was stopped; a "
            "letter takes a fraction of a second: look for a loop that never ends"
        ) from None
    except _TooBig as exc:
        raise TemplateLimit(
            f"template {name!r} asked for {exc}, more than a letter can need; templates may "
            f"repeat or pad text only up to {MAX_NUMBER:,}"
        ) from None
    except RecursionError:
        raise TemplateLimit(
            f"template {name!r} calls itself too deeply (a macro or include without an end)"
        ) from None
    finally:
        if sandbox is not None:
            sandbox.deadline = math.inf
    return "".join(pieces)
