"""`schema.CaseData` (what mypy checks) and `casefields.py`'s validator (what a file may hold) name
the same fields, table by table."""

from __future__ import annotations

from typing import get_args, get_type_hints

import pytest

from lscp_cli.model import casefields, schema

TOP = {name: hint for name, hint in get_type_hints(schema.CaseData).items()}


def _fields(typed: type) -> set[str]:
    return set(get_type_hints(typed))


def test_the_top_level_names_every_field_and_table() -> None:
    assert set(TOP) == {*casefields.TOP_FIELDS, *casefields.TABLES, *casefields.ARRAYS}


@pytest.mark.parametrize("table", sorted(casefields.TABLES))
def test_each_table_has_the_validators_fields(table: str) -> None:
    assert _fields(TOP[table]) == set(casefields.TABLES[table])


@pytest.mark.parametrize("array", sorted(casefields.ARRAYS))
def test_each_list_entry_has_the_validators_fields(array: str) -> None:
    (entry,) = get_args(TOP[array])
    assert _fields(entry) == set(casefields.ARRAYS[array])
