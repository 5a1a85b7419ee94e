"""How every command runs (cli/app.py's group wraps each in these)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a command runs, then as it was.

    A command reads every case into trees of dicts, lists and dates that cannot form a cycle
    and are freed (by their reference counts) when it ends; meanwhile each 700 new containers
    set the collector walking the young ones again, and now and then every object alive: on
    10,000 cases about a tenth of a cold `lscp deadlines`, for nothing to collect. What a
    command leaves that only the collector can free is collected once it is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
