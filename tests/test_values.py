"""One rule for case values as text: a table cell and a letter differ only in style."""

from __future__ import annotations

import json
import math
from datetime import date, time
from typing import Any

import pytest
import tomlkit

from lscp_cli.model.values import LETTER, NOT_RECORDED, TABLE, is_blank, recorded, to_plain, to_text

D = date(2025, 1, 6)


@pytest.mark.parametrize(
    ("value", "table", "letter"),
    [
        (None, "", NOT_RECORDED),
        ("", "", NOT_RECORDED),
        ([], "", NOT_RECORDED),
        ({}, "", NOT_RECORDED),
        (True, "yes", "Yes"),
        (False, "no", "No"),
        (0, "0", "0"),  # a recorded 0 is not a blank
        (D, "2025-01-06", "Monday 6 January 2025"),
        (["Police", "Health"], "Police; Health", "Police, Health"),
        ((D, None), "2025-01-06; ", f"Monday 6 January 2025, {NOT_RECORDED}"),
        ("text", "text", "text"),
    ],
)
def test_to_text_in_table_and_letter_style(value: Any, table: str, letter: str) -> None:
    assert to_text(value) == to_text(value, TABLE) == table
    assert to_text(value, LETTER) == letter


def test_blank_and_recorded() -> None:
    assert all(is_blank(v) for v in (None, "", [], (), {}))
    assert not any(is_blank(v) for v in (0, False, " ", [None]))
    assert recorded("  ") is None and recorded(" x ") == " x " and recorded(0) == 0


def test_to_plain_is_json_ready() -> None:
    document = tomlkit.parse(
        'when = 2025-01-06\nat = 10:30:00\nn = nan\nflag = true\n[t]\nlist = [1, 2]\n'
    )
    plain = to_plain({"doc": document, 1: (D, time(9, 0)), "inf": math.inf})
    assert plain == {
        "doc": {"when": "2025-01-06", "at": "10:30:00", "n": "nan", "flag": True,
                "t": {"list": [1, 2]}},
        "1": ["2025-01-06", "09:00:00"],
        "inf": "inf",
    }
    assert plain["doc"]["flag"] is True
    json.loads(json.dumps(plain, allow_nan=False))  # strict JSON: no NaN or Infinity
