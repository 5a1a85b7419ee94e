"""The board report: one self-contained HTML page for the RAG and the LSCP Executive.

It answers the Executive's questions on one printable page: the figures for a period (how
many, how timely), the open cases with their stage and next deadline, everything overdue, the
open actions by owner (who owes what), and a timeline of each open case from awareness against
its deadlines, with today marked. No network: the CSS is inline, the chart is inline SVG, and
a Content-Security-Policy forbids loading anything. Printing: A4 (`@page`), the protective
marking in every page's margin, rows and charts never cut at a page break.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

from lscp_cli import __version__
from lscp_cli.base.records import dataclass, field
from lscp_cli.model.dates import long_date, short_date
from lscp_cli.printing import css_string, page_rule
from lscp_cli.process.progress import stage_of
from lscp_cli.process.rules import (
    Deadline,
    Doubts,
    case_deadlines,
    is_closed,
    is_withdrawn,
    report_order,
)
from lscp_cli.process.ruleset import Rule
from lscp_cli.process.workdays import WorkCalendar
from lscp_cli.reports.actions import ActionRow, by_owner, select_actions
from lscp_cli.reports.incomplete import LeftOut, notice, stage_in_doubt
from lscp_cli.reports.stats import Period, figure_rows, figures

TEMPLATE = "board.html.j2"

# The chart, in SVG user units (the page scales it to the width of A4 between margins).
CHART_WIDTH = 680
CHART_LABEL = 112  # the case ids' column
CHART_RIGHT = 12
ROW_HEIGHT = 24
AXIS_HEIGHT = 34
ROWS_PER_CHART = 18  # a chart is never cut by a page break, so long lists are split

STATUS_COLOUR = {
    "overdue": "#b00020",
    "due-soon": "#b35c00",
    "pending": "#1f5fa8",
    "met": "#2e7d32",
    "met-late": "#8d6e00",
    "lapsed": "#757575",
    "withdrawn": "#757575",
    "closed": "#757575",
    "missed": "#b00020",
    "in-doubt": "#6a1b9a",
}


@dataclass(frozen=True)
class Marker:
    x: float
    colour: str
    title: str
    status: str


@dataclass(frozen=True)
class ChartRow:
    case: str
    y: float
    start_x: float
    end_x: float
    markers: list[Marker]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class Chart:
    width: int
    height: float
    top: float
    left: float
    right: float
    today_x: float
    today_label: str
    ticks: list[Tick]
    rows: list[ChartRow] = field(default_factory=list)


@dataclass(frozen=True)
class OpenCase:
    id: str
    type: str
    aware: date | None
    stage: str
    next_deadline: Deadline | None


@dataclass(frozen=True)
class Overdue:
    case: str
    what: str
    due: date
    working_days_overdue: int
    who: str


def _aware(case: Mapping[str, Any]) -> date | None:
    incident = case.get("incident")
    value = incident.get("aware") if isinstance(incident, Mapping) else None
    return value if isinstance(value, date) else None


def _month_ticks(first: date, last: date) -> list[date]:
    """First days of months (or quarters, or years on a long range) between two dates."""
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 14 else 3 if months <= 42 else 12
    day = date(first.year, first.month, 1)
    ticks = []
    while day <= last:
        if day >= first and (day.month - 1) % step == 0:
            ticks.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return ticks


def timeline_charts(
    cases: Sequence[Mapping[str, Any]],
    deadlines: Mapping[str, Sequence[Deadline]],
    as_of: date,
) -> list[Chart]:
    """Each open case from awareness to its last deadline, today marked; split for print."""
    charted = [c for c in cases if _aware(c) is not None]
    if not charted:
        return []
    starts = [_aware(c) or as_of for c in charted]
    ends = [d.due for c in charted for d in deadlines.get(str(c.get("id")), [])]
    first = min([*starts, as_of]) - timedelta(days=7)
    last = max([*ends, as_of]) + timedelta(days=7)
    span = max((last - first).days, 1)
    left, right = CHART_LABEL, CHART_WIDTH - CHART_RIGHT

    def x(day: date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    ticks = [Tick(x(day), day.strftime("%b %Y")) for day in _month_ticks(first, last)]
    charts: list[Chart] = []
    for offset in range(0, len(charted), ROWS_PER_CHART):
        chunk = charted[offset: offset + ROWS_PER_CHART]
        chart = Chart(
            width=CHART_WIDTH,
            height=AXIS_HEIGHT + ROW_HEIGHT * len(chunk) + 8,
            top=AXIS_HEIGHT,
            left=left,
            right=right,
            today_x=x(as_of),
            today_label=f"Today {as_of.day} {as_of.strftime('%b %Y')}",
            ticks=ticks,
        )
        for index, case in enumerate(chunk):
            case_id = str(case.get("id", ""))
            start = _aware(case) or as_of
            own = deadlines.get(case_id, [])
            markers = [
                Marker(x(d.due), STATUS_COLOUR.get(d.status, "#555"),
                       f"{d.label}: due {d.due.isoformat()} ({d.status})", d.status)
                for d in own
            ]
            end = max([as_of, *(d.due for d in own)])
            chart.rows.append(ChartRow(case_id, AXIS_HEIGHT + ROW_HEIGHT * index + 4,
                                       x(start), x(end), markers))
        charts.append(chart)
    return charts


def board_context(
    cases: Iterable[Mapping[str, Any]],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    period: Period,
    *,
    partnership: str,
    marking: str,
    not_counted: Sequence[LeftOut] = (),
    doubts: Doubts | None = None,
) -> dict[str, Any]:
    """Everything the board report shows, worked out; `render_board` lays it out.

    `not_counted`: the case files the report could not count (reports/incomplete.py), named
    at the top of the page, beside the figures and in the footer: never a silent all-clear.
    `doubts`: the recorded steps in doubt (rules.py): what they meet is `in-doubt`."""
    every = list(cases)
    # Worked out once: the figures, the open cases and the actions all read them.
    deadlines = {str(c.get("id", "")): case_deadlines(c, calendar, rules, as_of, doubts=doubts)
                 for c in every}
    data = figures(every, calendar, rules, as_of, period, known=deadlines, doubts=doubts)
    open_cases = sorted(
        (c for c in every if not is_closed(c) and not is_withdrawn(c)),
        key=lambda c: (_aware(c) or date.max, str(c.get("id"))),
    )
    rows = []
    overdue: list[Overdue] = []
    for case in open_cases:
        case_id = str(case.get("id"))
        unmet = sorted((d for d in deadlines[case_id] if d.status.is_open), key=report_order)
        upcoming = sorted(unmet, key=lambda d: (d.due, d.milestone))
        incident = case.get("incident")
        kind = incident.get("type") if isinstance(incident, Mapping) else None
        stage = stage_of(case, rules)
        rows.append(OpenCase(case_id, str(kind or ""), _aware(case),
                             stage_in_doubt(stage) if doubts and case_id in doubts else stage,
                             upcoming[0] if upcoming else None))
        overdue.extend(
            Overdue(d.case, f"Action {d.action}: {d.action_text}" if d.action_text else d.label,
                    d.due, -d.working_days_left, d.owner or d.agency or "")
            for d in unmet if d.status == "overdue"
        )
    actions = select_actions(every, calendar, rules, as_of, open_only=True, known=deadlines,
                             doubts=doubts)
    # A closed case's overdue actions are still owed: they belong in "everything overdue".
    overdue.extend(
        Overdue(a.case, f"Action {a.number}: {a.text}", a.due, -(a.working_days_left or 0),
                a.owner or "")
        for a in actions if a.case_closed and a.status == "overdue" and a.due is not None
    )
    overdue.sort(key=lambda o: (o.due, o.case, o.what))
    return {
        "partnership": partnership,
        "marking": marking,
        "as_of": as_of,
        "as_of_long": long_date(as_of),
        "period": period,
        "figures": data,
        "figure_rows": figure_rows(data, rules),
        "open_cases": rows,
        "overdue": overdue,
        "actions_by_owner": by_owner(actions),
        "open_actions": len(actions),
        "overdue_actions": sum(a.status == "overdue" for a in actions),
        "charts": timeline_charts(open_cases, deadlines, as_of),
        "status_colour": STATUS_COLOUR,
        "version": __version__,
        "not_counted": list(not_counted),
        "not_counted_notice": notice(not_counted),
    }


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def render_board(context: Mapping[str, Any]) -> str:
    """The board report as one HTML page (autoescaped; nothing loaded from anywhere)."""
    from jinja2 import Environment, StrictUndefined

    environment = Environment(autoescape=True, undefined=StrictUndefined,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["css_string"] = css_string
    environment.globals["page_rule"] = page_rule
    environment.filters["long_date"] = long_date
    environment.filters["short_date"] = short_date
    environment.globals["percent"] = percent
    source = files("lscp_cli.reports").joinpath(TEMPLATE).read_text(encoding="utf-8")
    return environment.from_string(source).render(**context)


__all__ = ["ActionRow", "board_context", "render_board", "timeline_charts"]
