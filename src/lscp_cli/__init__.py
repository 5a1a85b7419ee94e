"""lscp: serious child safeguarding incidents, rapid reviews and CSPRs for a partnership.

The library: `Casebook.locate(path)` opens a casebook, and its methods do what the `lscp`
commands do (`deadlines`, `next_deadlines`, ...). The command line in `lscp_cli.cli` is a thin
layer over it.

Lazy: `import lscp_cli` loads nothing more; a name below is imported when first used, so
`lscp_cli.cli` and the modules of one command start without loading the whole library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# What `from lscp_cli import X` offers, and the module each comes from: the casebook, the
# typed rows its methods return, the step names, statuses, the case data's shape, the errors.
_EXPORTS = {
    "Casebook": "lscp_cli.casebook",
    "Found": "lscp_cli.results",
    "CaseSummary": "lscp_cli.results",
    "CaseView": "lscp_cli.results",
    "CalendarFeed": "lscp_cli.results",
    "Checked": "lscp_cli.results",
    "Recorded": "lscp_cli.results",
    "Deadline": "lscp_cli.process.rules",
    "Status": "lscp_cli.process.rules",
    "Event": "lscp_cli.model.steps",
    "CaseData": "lscp_cli.model.schema",
    "LscpError": "lscp_cli.errors",
    "CasebookError": "lscp_cli.errors",
    "CaseNotFound": "lscp_cli.errors",
    "InvalidFile": "lscp_cli.errors",
    "InvalidEvent": "lscp_cli.errors",
    "AlreadyRecorded": "lscp_cli.errors",
    "OrderRefused": "lscp_cli.errors",
}

if TYPE_CHECKING:
    from lscp_cli.casebook import Casebook
    from lscp_cli.errors import (
        AlreadyRecorded,
        CasebookError,
        CaseNotFound,
        InvalidEvent,
        InvalidFile,
        LscpError,
        OrderRefused,
    )
    from lscp_cli.model.schema import CaseData
    from lscp_cli.model.steps import Event
    from lscp_cli.process.rules import Deadline, Status
    from lscp_cli.results import CalendarFeed, CaseSummary, CaseView, Checked, Found, Recorded


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lscp_cli' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "AlreadyRecorded",
    "CalendarFeed",
    "CaseData",
    "CaseNotFound",
    "CaseSummary",
    "CaseView",
    "Casebook",
    "CasebookError",
    "Checked",
    "Deadline",
    "Event",
    "Found",
    "InvalidEvent",
    "InvalidFile",
    "LscpError",
    "OrderRefused",
    "Recorded",
    "Status",
    "__version__",
]
