"""Small edits of a tomlkit case document that keep the officer's comments and layout.

Used by the events (events.py): find or add a `[table]` or `[[array]]`, set a value and say
what changed. tomlkit is imported inside each function: importing it costs ~30 ms, and the
event list is read by every `lscp` start-up.
"""

from __future__ import annotations

from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.errors import InvalidEvent


def separate(document: Any) -> None:
    """A blank line before a new section, as an officer would lay the file out."""
    import tomlkit
    from tomlkit.items import AoT, Table

    text = tomlkit.dumps(document)
    if not text or text.endswith("\n\n"):
        return
    last = document.body[-1][1] if document.body else None
    if isinstance(last, AoT) and last.body:
        last = last.body[-1]
    if isinstance(last, Table):
        # Whitespace added to the document would land before the table, not after it.
        last.add(tomlkit.nl())
    else:
        document.add(tomlkit.nl())


def table(document: Any, name: str) -> Any:
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import Table

    if name not in document:
        separate(document)
        document.add(name, tomlkit.table())
    table = document[name]
    if not isinstance(table, Table | Container | dict):
        raise InvalidEvent(f"'{name}' in the case file is not a table; fix it with `lscp edit`")
    return table


def aot(document: Any, name: str) -> Any:
    import tomlkit
    from tomlkit.items import AoT

    if name not in document:
        separate(document)
        document.add(name, tomlkit.aot())
    array = document[name]
    if not isinstance(array, AoT | list):
        raise InvalidEvent(f"'{name}' in the case file is not a list of [[{name}]] sections; "
                           "fix it with `lscp edit`")
    return array


def set_value(table: Any, key: str, value: Any, path: str) -> list[Change]:
    old = table.get(key)
    old_plain = old.unwrap() if hasattr(old, "unwrap") else old
    if old_plain == value:
        return []
    table[key] = value
    return [Change(path, old_plain, value)]


def plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value
