"""lscp: serious child safeguarding incidents, rapid reviews and CSPRs for a partnership.

The library: `Casebook.locate(path)` opens a casebook, and its methods do what the `lscp`
commands do (`deadlines`, `next_deadlines`, ...). The command line in `lscp_cli.cli` is a thin
layer over it.
"""

__version__ = "0.1.0"

# After __version__: modules below read it while this package is still being imported.
from lscp_cli.casebook import Casebook, Found  # noqa: E402
from lscp_cli.model.steps import Event
from lscp_cli.process.rules import Deadline

__all__ = ["Casebook", "Deadline", "Event", "Found", "__version__"]
