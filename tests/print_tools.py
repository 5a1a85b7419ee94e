"""The real clients the print tests drive, and what to install when one is missing.

A test that prints through a real program carries `@pytest.mark.print("chromium", "poppler")`
(the names below). On a machine without the program the test is skipped, and pytest's summary
(`-rs`) says what to install; under `LSCP_REQUIRE_PRINT_TOOLS=1` (set by `.ci/run`) a missing
program is a failure instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil

REQUIRE_ENV = "LSCP_REQUIRE_PRINT_TOOLS"

# name: (the executables needed, each a tuple of alternatives; how to install them)
PRINT_TOOLS: dict[str, tuple[tuple[tuple[str, ...], ...], str]] = {
    "chromium": (
        (("chromium", "chromium-browser", "google-chrome", "chrome", "msedge"),),
        "Debian: apt-get install chromium; Windows: winget install Google.Chrome "
        "(chrome.exe's folder on PATH)",
    ),
    "libreoffice": (
        (("soffice", "libreoffice"),),
        "Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
        "fonts-liberation; Windows: winget install TheDocumentFoundation.LibreOffice "
        "(its program folder on PATH)",
    ),
    "poppler": (
        (("pdfinfo",), ("pdftotext",), ("pdftoppm",)),
        "Debian: apt-get install poppler-utils; Windows: winget install "
        "oschwartz10612.Poppler (its Library\\bin folder on PATH)",
    ),
}


def find(*names: str) -> str | None:
    """The path of the first of `names` on PATH."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing(tools: tuple[str, ...]) -> list[str]:
    """For each of `tools` (names in PRINT_TOOLS) not installed: what it is, how to install it."""
    out = []
    for tool in tools:
        executables, how = PRINT_TOOLS[tool]
        absent = [names[0] for names in executables if find(*names) is None]
        if absent:
            out.append(f"{tool} ({', '.join(absent)} not on PATH; {how})")
    return out


def required() -> bool:
    """CI's rule: a missing print tool fails the test instead of skipping it."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")
