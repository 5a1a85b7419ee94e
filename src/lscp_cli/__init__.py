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

# What `from lscp_cli import X` offers, and the module each comes from.
_EXPORTS = {
    "Casebook": "lscp_cli.casebook",
    "Found": "lscp_cli.results",
    "Deadline": "lscp_cli.process.rules",
    "Event": "lscp_cli.model.steps",
}

if TYPE_CHECKING:
    from lscp_cli.casebook import Casebook
    from lscp_cli.model.steps import Event
    from lscp_cli.process.rules import Deadline
    from lscp_cli.results import Found


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lscp_cli' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["Casebook", "Deadline", "Event", "Found", "__version__"]
