"""Write src/lscp_cli/process/data/bank_holidays.tsv from workalendar plus lscp's corrections.

Run after upgrading workalendar or adding to `workdays.CORRECTIONS`:

    python scripts/generate_bank_holidays.py

lscp reads the table instead of importing workalendar (about 80 ms) on every command;
tests/test_workdays.py checks the table still matches what this script would write.
"""

from __future__ import annotations

from importlib.metadata import version

from lscp_cli.process.workdays import HOLIDAY_TABLE, TABLE_YEARS, workalendar_holidays


def render() -> str:
    lines = [
        "# Bank holidays in England and Wales that fall on a weekday, "
        f"{TABLE_YEARS[0]} to {TABLE_YEARS[-1]}: date<TAB>name.",
        f"# Generated from workalendar {version('workalendar')} (UnitedKingdom) plus the "
        "corrections in lscp_cli/process/workdays.py",
        "# by scripts/generate_bank_holidays.py. Do not edit by hand: a one-off bank holiday "
        "belongs in",
        "# lscp.toml [calendar] extra_bank_holidays until the next lscp release.",
    ]
    for year in TABLE_YEARS:
        for day, name in workalendar_holidays(year):
            lines.append(f"{day.isoformat()}\t{name}")
    return "\n".join(lines) + "\n"


def main() -> None:
    HOLIDAY_TABLE.parent.mkdir(parents=True, exist_ok=True)
    HOLIDAY_TABLE.write_text(render(), encoding="utf-8")
    print(f"wrote {HOLIDAY_TABLE}")


if __name__ == "__main__":
    main()
