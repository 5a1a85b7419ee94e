"""A case file read against the process: the model's checks (model/case.py) and the warnings
of a sound case that only the process knows, under the casebook's own rules.

Those warnings are the order of its steps (order.py: an impossible one is a problem for
`lscp check`), the steps its duties exclude (duties.py) and its open actions with no due date
(progress.py). Storage reads every case through `parse_case` here; the model never imports
the process, it takes these as its `checks`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from lscp_cli.base.tomllines import Key
from lscp_cli.model import case as model
from lscp_cli.process.order import violations
from lscp_cli.process.progress import undated_actions
from lscp_cli.process.ruleset import Rule


def process_warnings(data: Mapping[str, Any], rules: Sequence[Rule]) -> Iterator[tuple[Key, str]]:
    """The warnings of a sound case under `rules`: steps out of order or excluded by its
    duties, then open actions with no due date (none for a withdrawn case)."""
    for violation in violations(data, rules):
        yield violation.keys, violation.warning
    if "withdrawn" not in data:
        for number in undated_actions(data):
            yield ("actions", number - 1), (
                f"action {number} has no due date, so no deadline is tracked for it: add a "
                "line due = YYYY-MM-DD to it")


def parse_case(text: str, path: Path, *, rules: Sequence[Rule],
               expected_id: str | None = None) -> model.Case:
    """Parse and validate case-file text under the casebook's `rules`; `InvalidCaseFile`
    lists every problem, and the case's warnings include the process's."""
    return model.parse_case(text, path, expected_id=expected_id,
                            checks=partial(process_warnings, rules=rules))
