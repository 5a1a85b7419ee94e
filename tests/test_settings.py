"""lscp.toml: what it reads, every problem at its line, [rules] numbers, [calendar] closures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lscp_cli.errors import InvalidFile
from lscp_cli.process.ruleset import default_rules, load_rules
from lscp_cli.process.settings import (
    DEFAULT_SETTINGS_TOML,
    CalendarSettings,
    Settings,
    load_settings,
    parse_settings,
)

D = date
PATH = Path("lscp.toml")


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidFile) as caught:
        parse_settings(text, PATH)
    return [str(problem) for problem in caught.value.problems]


def test_the_file_init_writes_reads_as_the_defaults() -> None:
    settings = parse_settings(DEFAULT_SETTINGS_TOML, PATH)
    assert settings.name == "Leeds Safeguarding Children Partnership"
    assert settings.short_name == "LSCP"
    assert settings.protective_marking == "OFFICIAL-SENSITIVE"
    assert settings.calendar == CalendarSettings()
    assert settings.rules == {}
    assert settings.path == PATH


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "lscp.toml") == Settings()


def test_values_are_read() -> None:
    settings = parse_settings(
        '[partnership]\nname = "Fictional Partnership"\nshort_name = "FSP"\n'
        'address = ["1 Street", "Town"]\nemail = "team@example.org"\n'
        "[calendar]\nclosed = [2025-12-30, 2025-12-29]\nopen = [2025-12-27]\n"
        "extra_bank_holidays = [2025-06-02]\nevent_day_is_day_one = true\n"
        "reminder_working_days = 0\n"
        "[rules]\nagency_return_days = 10\n",
        PATH,
    )
    assert (settings.name, settings.short_name) == ("Fictional Partnership", "FSP")
    assert settings.address == ("1 Street", "Town")
    assert settings.partnership["email"] == "team@example.org"
    assert settings.calendar.closed == (D(2025, 12, 29), D(2025, 12, 30))  # sorted
    assert settings.calendar.open == (D(2025, 12, 27),)
    assert settings.calendar.extra_bank_holidays == (D(2025, 6, 2),)
    assert settings.calendar.event_day_is_day_one
    assert settings.calendar.reminder_working_days == 0
    assert settings.rules == {"agency_return_days": 10}
    assert settings.rule_lines == {"agency_return_days": 13}  # for messages about it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[partnership\n", "lscp.toml:1: not valid TOML"),
        ('name = "x"\n', "lscp.toml:1: unknown section or key 'name'; expected one of"),
        ("[partnership]\nname = 5\n", "lscp.toml:2: 'name' must be text in quotes"),
        ('[partnership]\naddress = "1 Street"\n',
         "lscp.toml:2: 'address' must be a list of lines"),
        ('[partnership]\n\nnmae = "x"\n', "lscp.toml:3: unknown key 'nmae' in [partnership]"),
        ('[partnership]\nshort_name = "L-SCP"\n', "lscp.toml:2: 'short_name' is the case id"),
        ('[calendar]\nclosed = ["2025-12-29"]\n',
         "lscp.toml:2: 'closed' must be a list of dates without quotes"),
        ("[calendar]\nopen = [2025-12-29T09:00:00]\n", "lscp.toml:2: 'open' must be a list"),
        ('[calendar]\nevent_day_is_day_one = "yes"\n',
         "lscp.toml:2: 'event_day_is_day_one' must be true or false"),
        ("[calendar]\nreminder_working_days = 31\n",
         "lscp.toml:2: 'reminder_working_days' must be a whole number"),
        ("[calendar]\nholidays = []\n", "lscp.toml:2: unknown key 'holidays' in [calendar]"),
        ("[calendar]\nclosed = [2025-12-29]\nopen = [2025-12-29]\n",
         "lscp.toml:3: 2025-12-29 is in both 'closed' and 'open'; remove it from one"),
        ("rules = 5\n", "lscp.toml:1: [rules] must be a table"),
        ("calendar = 5\n", "lscp.toml:1: [calendar] must be a table"),
    ],
)
def test_each_problem_names_its_line_and_what_to_write(text: str, expected: str) -> None:
    found = problems(text)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_every_problem_is_listed_at_once() -> None:
    found = problems('[partnership]\nname = 5\n[calendar]\nclosed = "soon"\nfoo = 1\n')
    assert [p.split(":")[1] for p in found] == ["2", "4", "5"]


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "lscp.toml"
    path.write_bytes(b'[partnership]\nname = "Caf\xe9"\n')
    with pytest.raises(InvalidFile, match=r"lscp.toml:2: is not UTF-8 text; save it as UTF-8"):
        load_settings(path)


def test_a_notepad_file_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "lscp.toml"
    path.write_bytes(b'\xef\xbb\xbf[partnership]\r\nshort_name = "FSP"\r\n')
    assert load_settings(path).short_name == "FSP"


# -- [rules]: settings checks the shape; the rule set checks the keys and numbers --------------

def test_rule_overrides_change_the_numbers() -> None:
    settings = parse_settings("[rules]\nrapid_review_days = 20\ncspr_publication_months = 9\n",
                              PATH)
    offsets = {rule.id: rule.offset for rule in load_rules(settings)}
    defaults = {rule.id: rule.offset for rule in default_rules()}
    assert offsets == {**defaults, "rapid-review": 20, "cspr-publication": 9}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[rules]\nagency_return = 5\n",
         ["lscp.toml:2: unknown rule setting 'agency_return'; did you mean "
          "'agency_return_days'?"]),
        ("[rules]\n# a comment\nrapid_review_days = 0\n",
         ["lscp.toml:3: 'rapid_review_days' must be a whole number of working days from 1 to "
          "120 (got 0); e.g. rapid_review_days = 15"]),
        ("[rules]\ncspr_publication_months = 6.5\nagency_return_days = true\n",
         ["lscp.toml:2: 'cspr_publication_months' must be a whole number of months",
          "lscp.toml:3: 'agency_return_days' must be a whole number of working days"]),
    ],
)
def test_bad_rule_overrides_are_reported_at_their_lines(text: str, expected: list[str]) -> None:
    settings = parse_settings(text, PATH)  # lscp.toml itself is well formed
    with pytest.raises(InvalidFile) as caught:
        load_rules(settings)
    found = [str(problem) for problem in caught.value.problems]
    assert len(found) == len(expected)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), line


def test_lscp_check_reports_a_bad_rule_override(run, casebook_dir: Path) -> None:
    (casebook_dir / "lscp.toml").write_text("[rules]\n\nrapid_review_dayz = 20\n",
                                            encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "lscp.toml:3: unknown rule setting 'rapid_review_dayz'" in result.stdout


# -- [calendar]: the working days it describes ------------------------------------------------

def test_calendar_closures_openings_and_extra_bank_holidays() -> None:
    settings = parse_settings(
        "[calendar]\nclosed = [2025-12-29]\nopen = [2025-12-27]\n"
        "extra_bank_holidays = [2025-06-02]\n",
        PATH,
    )
    calendar = settings.calendar.work_calendar()
    assert not calendar.is_working_day(D(2025, 12, 29))  # a Monday the office is closed
    assert calendar.is_working_day(D(2025, 12, 27))  # a Saturday it is open
    assert not calendar.is_working_day(D(2025, 6, 2))  # a one-off bank holiday
    assert calendar.is_working_day(D(2025, 6, 3))
    # Friday 26 December is Boxing Day: 1 working day after Christmas Eve is Saturday 27th.
    assert calendar.add(D(2025, 12, 24), 1) == D(2025, 12, 27)
    assert calendar.add(D(2025, 12, 24), 2) == D(2025, 12, 30)  # the closed 29th skipped
    assert [why for day, why in calendar.holidays(2025) if day == D(2025, 12, 29)] == [
        "office closed (lscp.toml)"
    ]


def test_event_day_is_day_one_reaches_the_calendar() -> None:
    plain = parse_settings("", PATH).calendar.work_calendar()
    day_one = parse_settings("[calendar]\nevent_day_is_day_one = true\n", PATH)
    calendar = day_one.calendar.work_calendar()
    assert calendar.event_day_is_day_one and not plain.event_day_is_day_one
    assert calendar.add(D(2025, 1, 6), 5) == D(2025, 1, 10)
    assert plain.add(D(2025, 1, 6), 5) == D(2025, 1, 13)


def test_the_commented_lscp_toml_says_closures_are_local_only() -> None:
    from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML

    assert "non-working days for local deadlines only" in DEFAULT_SETTINGS_TOML
    assert "never move a national deadline" in DEFAULT_SETTINGS_TOML
