"""Partnership settings from `lscp.toml` (DESIGN.md section 4).

This module reads the file and checks its shape. What the `[rules]` numbers mean is the
rules' business: `ruleset.load_rules(settings)` checks each key and range against `rules.toml`
and reports a bad one at its line here (`Settings.rule_lines`), so this module does not need
to know the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from lscp_cli.base import tomlread
from lscp_cli.base.fileguard import refused
from lscp_cli.base.hostile import MAX_DEPTH, TOO_DEEP, too_deep
from lscp_cli.base.records import dataclass, field
from lscp_cli.base.safefile import read_file
from lscp_cli.base.tomllines import line_of
from lscp_cli.errors import InvalidFile, Problem
from lscp_cli.process.workdays import WorkCalendar

MAX_SETTINGS_BYTES = 1 << 20  # lscp.toml is a few KB

DEFAULT_NAME = "Leeds Safeguarding Children Partnership"
DEFAULT_SHORT_NAME = "LSCP"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"

# The commented file `lscp init` writes. Keep it valid TOML: tests load it.
DEFAULT_SETTINGS_TOML = '''\
# lscp settings for this casebook. Lines starting with # are comments.
# After editing, run `lscp check` to make sure the file is still valid.

[partnership]
name = "Leeds Safeguarding Children Partnership"
short_name = "LSCP"                 # also the case id prefix: LSCP-2025-001
local_authority = "Leeds City Council"
# What is not known yet is a [placeholder]: letters show it, and `lscp draft --final` refuses
# a letter until it is filled in here. Leave email = "" if you have no shared mailbox.
address = [
    "Leeds Safeguarding Children Partnership",
    "[Building and street]",
    "Leeds",
    "[Postcode]",
]
email = "[the business unit's shared mailbox]"  # shown in letters, for replies
protective_marking = "OFFICIAL-SENSITIVE"

[calendar]
# Working days are Monday to Friday except bank holidays in England and Wales.
# Office closure days: non-working days for local deadlines only (agency returns, the action
# plan). They never move a national deadline (Panel notification, partners' report, care
# leaver's notice, Rapid Review, final report): the ICO reads "working day" so that office
# privilege days "do not count as non-working days". `lscp deadlines --basis` says when a
# closure moved a date.
closed = []                         # e.g. [2025-12-29, 2025-12-30]
open = []                           # dates that are working days despite the calendar
extra_bank_holidays = []            # one-off bank holidays announced after this lscp release
event_day_is_day_one = false        # true: the event's own date counts as working day 1
# An event on a weekend or bank holiday: the first working day after it is day 1 (Civil
# Procedure Rules 2.8; FOIA s10 as the ICO reads it): aware Saturday 4 January 2025 -> notify
# by Friday 10 January. "next-working-day-is-day-0" counts one working day later (Monday 13
# January); use it only if your legal advice says so. `lscp deadlines --basis` shows it.
non_working_day_event = "next-working-day-is-day-1"
reminder_working_days = 3           # deadlines --format ics: Outlook reminder this many
                                    # working days before each due date (0: on the day)

[panel]
# The Child Safeguarding Practice Review Panel is notified only through the online Child
# Safeguarding Incident Notification System (https://childsafeguarding.education.gov.uk/).
# Rapid Reviews and other documents go to the Panel by email: set its mailbox here (no
# official source gives it; letters show a [placeholder] until it is set).
email = ""
# Who the final CSPR report goes to before publication. The Panel and the Secretary of State
# are the default; Ofsted is likely but unverified: add "Ofsted" if your advice says so.
final_report_recipients = [
    "Child Safeguarding Practice Review Panel",
    "Secretary of State for Education",
]

[notifier]
# The officer who notifies the Panel and signs lscp's letters. The online form asks for their
# phone and email; every letter's sign-off, and the contact in the family's letters, come
# from here. While one is empty the letters show a [placeholder] instead (e.g. [Name],
# [Job title]), and `lscp draft --final` refuses a letter until it is filled.
name = ""
job_title = ""
phone = ""
email = ""

[drafts]
# The format `lscp draft` writes when neither --format nor -o FILE says: "docx" (a Word
# document), "html" (a printable page) or "md" (Markdown text).
format = "docx"

[rules]
# Override the number of any deadline rule (see `lscp deadlines --help`), for example:
# agency_return_days = 5
'''

_PARTNERSHIP_STRINGS = ("name", "short_name", "local_authority", "email", "protective_marking")
_CALENDAR_DATES = ("closed", "open", "extra_bank_holidays")
# lscp.toml [calendar] non_working_day_event: the default first, then the old convention.
NON_WORKING_DAY_EVENT = ("next-working-day-is-day-1", "next-working-day-is-day-0")
NOTIFIER_KEYS = ("name", "job_title", "phone", "email")
# What `lscp draft` writes ([drafts] format); lscp_cli.formats offers them to the command line.
DRAFT_FORMATS = ("md", "html", "docx")
DEFAULT_FINAL_REPORT_RECIPIENTS = (
    "Child Safeguarding Practice Review Panel",
    "Secretary of State for Education",
)


@dataclass(frozen=True)
class CalendarSettings:
    closed: tuple[date, ...] = ()
    open: tuple[date, ...] = ()
    extra_bank_holidays: tuple[date, ...] = ()
    event_day_is_day_one: bool = False
    reminder_working_days: int = 3
    non_working_day_is_day_zero: bool = False  # lscp.toml non_working_day_event (see below)

    def work_calendar(self) -> WorkCalendar:
        """The working-day calendar these settings describe."""
        return WorkCalendar(
            closed=self.closed,
            open=self.open,
            extra_bank_holidays=self.extra_bank_holidays,
            event_day_is_day_one=self.event_day_is_day_one,
            non_working_day_is_day_zero=self.non_working_day_is_day_zero,
        )


@dataclass(frozen=True)
class Settings:
    name: str = DEFAULT_NAME
    short_name: str = DEFAULT_SHORT_NAME
    local_authority: str = "Leeds City Council"
    address: tuple[str, ...] = ()
    email: str = ""
    protective_marking: str = DEFAULT_MARKING
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    rules: dict[str, Any] = field(default_factory=dict)  # checked by ruleset.load_rules
    rule_lines: dict[str, int | None] = field(default_factory=dict)  # each [rules] key's line
    path: Path | None = None
    panel_email: str = ""
    final_report_recipients: tuple[str, ...] = DEFAULT_FINAL_REPORT_RECIPIENTS
    notifier: dict[str, str] = field(default_factory=dict)  # NOTIFIER_KEYS ("" unset)
    draft_format: str = "md"  # [drafts] format: what `lscp draft` writes by default
    shared: bool = False  # [casebook] shared: new files 0660, folders 2770 (a team's share)

    @property
    def panel(self) -> dict[str, Any]:
        """The `[panel]` table as templates see it."""
        return {"email": self.panel_email,
                "final_report_recipients": list(self.final_report_recipients)}

    @property
    def partnership(self) -> dict[str, Any]:
        """The `[partnership]` table as templates see it."""
        return {
            "name": self.name,
            "short_name": self.short_name,
            "local_authority": self.local_authority,
            "address": list(self.address),
            "email": self.email,
            "protective_marking": self.protective_marking,
        }


def load_settings(path: Path) -> Settings:
    """Read `lscp.toml`; defaults when it does not exist; `InvalidFile` listing every problem."""
    if not path.exists():
        return Settings()
    try:
        raw = read_file(path, limit=MAX_SETTINGS_BYTES)  # never blocking on a FIFO
    except OSError as exc:
        why = refused(exc) or f"cannot be read ({exc.strerror})"
        raise InvalidFile(path, [Problem(path, None, why)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidFile(path, [Problem(path, line, "is not UTF-8 text; save it as UTF-8 "
                                         "(in Notepad: Save as, Encoding UTF-8)")]) from None
    return parse_settings(text, path)


def _deepest_line(text: str) -> int | None:
    """The first line that opens more brackets than any lscp.toml needs (for RecursionError)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("[") and line.count(".") >= MAX_DEPTH:
            return number  # a [table.header] with too many parts
        for char in line:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > MAX_DEPTH:
                return number
        depth = max(depth, 0)
    return None


def parse_settings(text: str, path: Path) -> Settings:
    raw = _read_toml(text, path)
    problems: list[Problem] = []

    def problem(keys: tuple[str, ...], message: str) -> None:
        problems.append(Problem(path, line_of(text, keys), message, ".".join(keys)))

    known_tables = {"partnership", "calendar", "rules", "panel", "notifier", "drafts",
                    "casebook"}
    for key in raw:
        if key not in known_tables:
            problem((key,), f"unknown section or key {key!r}; expected one of "
                    "[partnership], [calendar], [panel], [notifier], [drafts], [rules], "
                    "[casebook]")
    values = _parse_partnership(raw, problem)
    cal_values = _parse_calendar(raw, problem)
    extra = {**_parse_panel_and_notifier(raw, problem), **_parse_drafts_and_casebook(raw, problem)}
    rules = raw.get("rules", {})
    if not isinstance(rules, dict):
        problem(("rules",), "[rules] must be a table")
        rules = {}

    if problems:
        raise InvalidFile(path, problems)
    return Settings(
        **values,
        calendar=CalendarSettings(**cal_values),
        rules=dict(rules),
        rule_lines={key: line_of(text, ("rules", key)) for key in rules},
        path=path,
        **extra,
    )


def _read_toml(text: str, path: Path) -> dict[str, Any]:
    """`lscp.toml` parsed, or `InvalidFile` naming the line (bad TOML, nesting too deep)."""
    try:
        raw = tomlread.loads(text)
    except tomlread.TOMLDecodeError as exc:
        line, msg = tomlread.error_position(exc)
        hint = tomlread.day_first_hint(text, line)
        # Not "run lscp init": init never touches an existing lscp.toml, so it would do nothing.
        raise InvalidFile(path, [Problem(path, line, (
            f"not valid TOML ({msg}): {hint}" if hint else
            f"not valid TOML ({msg}); fix that line in a text editor (quotes around text, "
            "dates as 2025-01-06, [section] headers); `lscp check` lists every problem"))]
        ) from None
    except RecursionError:
        raise InvalidFile(path, [Problem(path, _deepest_line(text), TOO_DEEP)]) from None
    if too_deep(raw):
        raise InvalidFile(path, [Problem(path, _deepest_line(text), TOO_DEEP)])
    return raw


Report = Callable[[tuple[str, ...], str], None]


def _parse_partnership(raw: dict[str, Any], problem: Report) -> dict[str, Any]:
    """The `[partnership]` table as `Settings` keyword arguments."""
    partnership = raw.get("partnership", {})
    values: dict[str, Any] = {}
    if not isinstance(partnership, dict):
        problem(("partnership",), "[partnership] must be a table")
        partnership = {}
    for key, value in partnership.items():
        if key in _PARTNERSHIP_STRINGS:
            if not isinstance(value, str):
                problem(("partnership", key), f"'{key}' must be text in quotes")
            else:
                values[key] = value
        elif key == "address":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem(("partnership", key), "'address' must be a list of lines: "
                        '["line 1", "line 2"]')
            else:
                values["address"] = tuple(value)
        else:
            problem(("partnership", key), f"unknown key {key!r} in [partnership]")
    short = values.get("short_name", DEFAULT_SHORT_NAME)
    if not (short.isascii() and short.isalnum() and short[:1].isalpha() and len(short) <= 12):
        problem(("partnership", "short_name"), "'short_name' is the case id prefix: use 1 to "
                "12 letters and digits starting with a letter, e.g. \"LSCP\"")
        values.pop("short_name", None)

    return values


def _parse_calendar(raw: dict[str, Any], problem: Report) -> dict[str, Any]:
    """The `[calendar]` table as `CalendarSettings` keyword arguments."""
    calendar = raw.get("calendar", {})
    cal_values: dict[str, Any] = {}
    if not isinstance(calendar, dict):
        problem(("calendar",), "[calendar] must be a table")
        calendar = {}
    for key, value in calendar.items():
        if key in _CALENDAR_DATES:
            if not isinstance(value, list) or not all(
                isinstance(v, date) and not hasattr(v, "hour") for v in value
            ):
                problem(("calendar", key), f"'{key}' must be a list of dates without quotes, "
                        "e.g. [2025-12-29, 2025-12-30]")
            else:
                cal_values[key] = tuple(sorted(value))
        elif key == "event_day_is_day_one":
            if not isinstance(value, bool):
                problem(("calendar", key), "'event_day_is_day_one' must be true or false")
            else:
                cal_values[key] = value
        elif key == "non_working_day_event":
            if value not in NON_WORKING_DAY_EVENT:
                problem(("calendar", key), "'non_working_day_event' must be "
                        + " or ".join(f'"{choice}"' for choice in NON_WORKING_DAY_EVENT))
            else:
                cal_values["non_working_day_is_day_zero"] = value.endswith("day-0")
        elif key == "reminder_working_days":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
                problem(("calendar", key), "'reminder_working_days' must be a whole number of "
                        "working days from 0 to 30, e.g. reminder_working_days = 3")
            else:
                cal_values[key] = value
        else:
            problem(("calendar", key), f"unknown key {key!r} in [calendar]")

    both = sorted(set(cal_values.get("closed", ())) & set(cal_values.get("open", ())))
    if both:
        problem(("calendar", "open"), f"{', '.join(d.isoformat() for d in both)} "
                f"{'is' if len(both) == 1 else 'are'} in both 'closed' and 'open'; remove "
                f"{'it' if len(both) == 1 else 'them'} from one of the two lists")

    return cal_values


def _parse_panel_and_notifier(raw: dict[str, Any], problem: Report) -> dict[str, Any]:
    """The `[panel]` and `[notifier]` tables as `Settings` keyword arguments."""
    values: dict[str, Any] = {}
    panel = raw.get("panel", {})
    if not isinstance(panel, dict):
        problem(("panel",), "[panel] must be a table")
        panel = {}
    for key, value in panel.items():
        if key == "email":
            if isinstance(value, str):
                values["panel_email"] = value.strip()
            else:
                problem(("panel", key), "'email' must be text in quotes")
        elif key == "final_report_recipients":
            if (isinstance(value, list) and value
                    and all(isinstance(v, str) and v.strip() for v in value)):
                values["final_report_recipients"] = tuple(v.strip() for v in value)
            else:
                problem(("panel", key), "'final_report_recipients' must be a list of one or "
                        'more names, e.g. ["Child Safeguarding Practice Review Panel", '
                        '"Secretary of State for Education"]')
        else:
            problem(("panel", key), f"unknown key {key!r} in [panel]; expected email, "
                    "final_report_recipients")
    notifier = raw.get("notifier", {})
    if not isinstance(notifier, dict):
        problem(("notifier",), "[notifier] must be a table")
        notifier = {}
    person: dict[str, str] = {}
    for key, value in notifier.items():
        if key not in NOTIFIER_KEYS:
            problem(("notifier", key), f"unknown key {key!r} in [notifier]; expected "
                    + ", ".join(NOTIFIER_KEYS))
        elif not isinstance(value, str):
            problem(("notifier", key), f"'{key}' must be text in quotes")
        else:
            person[key] = value.strip()
    values["notifier"] = person
    return values


def _parse_drafts_and_casebook(raw: dict[str, Any], problem: Report) -> dict[str, Any]:
    """The `[drafts]` and `[casebook]` tables as `Settings` keyword arguments."""
    values: dict[str, Any] = {}
    drafts = raw.get("drafts", {})
    if not isinstance(drafts, dict):
        problem(("drafts",), "[drafts] must be a table")
        drafts = {}
    for key, value in drafts.items():
        if key != "format":
            problem(("drafts", key), f"unknown key {key!r} in [drafts]; expected format")
        elif value not in DRAFT_FORMATS:
            problem(("drafts", key), "'format' must be one of "
                    + ", ".join(f'"{fmt}"' for fmt in DRAFT_FORMATS) + ' (in quotes)')
        else:
            values["draft_format"] = value
    casebook = raw.get("casebook", {})
    if not isinstance(casebook, dict):
        problem(("casebook",), "[casebook] must be a table")
        casebook = {}
    for key, value in casebook.items():
        if key != "shared":
            problem(("casebook", key), f"unknown key {key!r} in [casebook]; expected shared")
        elif not isinstance(value, bool):
            problem(("casebook", key), "'shared' must be true or false (no quotes)")
        else:
            values["shared"] = value
    return values
