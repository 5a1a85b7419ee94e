"""The Jinja environment letters render in, its filters, and template errors worded for officers.

Every template renders in Jinja's immutable sandbox: a casebook template is officer-written
code, and a built-in one may extend a casebook layout. `StrictUndefined` turns a misspelt field
into a `TemplateError` naming the template, its line and the field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path

from lscp_cli.drafts import limits
from lscp_cli.drafts.escaping import Markdown, finalize, md_escape
from lscp_cli.drafts.templates import SUFFIX, TemplateStore, builtin_dir, check_name, read_own
from lscp_cli.errors import LetterRefused, Problem, TemplateError
from lscp_cli.model.dates import long_date
from lscp_cli.model.values import LETTER, NOT_RECORDED, UNKNOWN, is_blank, to_text

_LABELS = {
    "death": "Death",
    "serious-harm": "Serious harm",
    "care-leaver-death": "Death of a care leaver (aged 24 or under)",
    "known": "Known",
    "suspected": "Suspected",
    "not-suspected": "Not known or suspected",
    "cspr": "a Child Safeguarding Practice Review (CSPR)",
    "no-cspr": "no Child Safeguarding Practice Review",
    "other-review": "another form of review",
    "female": "Female",
    "male": "Male",
    "unknown": "Not known",
    "not-recorded": "Not recorded",
}


class _BuiltinLoader(jinja2.BaseLoader):
    """Built-in templates through importlib.resources, so an installed wheel works too."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        entry = builtin_dir() / template
        if "/" in template or "\\" in template or not entry.is_file():
            raise jinja2.TemplateNotFound(template)
        return entry.read_text(encoding="utf-8"), f"built-in {template}", lambda: True


class _CasebookLoader(jinja2.BaseLoader):
    """The casebook's `templates/` folder, for `extends` and `include` too: read with the
    guard every casebook file has (no link out of the casebook, no FIFO, a size limit).
    Jinja's FileSystemLoader follows links and would wait on a FIFO for ever."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path) or os.path.isdir(path):
            raise jinja2.TemplateNotFound(template)
        return read_own(path), str(path), lambda: True


def make_environment(store: TemplateStore,
                     quoted: list[tuple[str, str]] | None = None) -> jinja2.Environment:
    """The sandbox: the casebook's folder first, then the built-ins, for `extends` too.

    `quoted` collects what the letter quotes from the case with `quote(label, text)`, so
    `lscp draft` can show the officer the words that will go out.
    """
    loaders: list[jinja2.BaseLoader] = []
    if store.folder is not None and store.folder.is_dir():
        loaders.append(_CasebookLoader(store.folder))
    loaders.append(_BuiltinLoader())
    env = limits.LimitedSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # The output is Markdown, not HTML: `finalize` escapes every value for Markdown and
        # pandoc escapes for HTML, so Jinja's HTML autoescape would only double-escape.
        autoescape=False,
        finalize=finalize,
    )
    env.filters.update(
        long_date=_long_date,
        as_planned=as_planned,
        date_or=date_or,
        otherwise=otherwise,
        yes_no=yes_no,
        label=label,
        oneline=oneline,
        age_at=age_at,
        lines=lines,
    )
    env.globals["refuse"] = refuse
    env.globals["quote"] = _quoter([] if quoted is None else quoted)
    env.limit_filters()
    return env


# -- filters ---------------------------------------------------------------------------------


def _long_date(value: Any) -> Any:
    return long_date(value) if isinstance(value, date) else value


def as_planned(value: Any) -> Any:
    """`Thursday 3 April 2025 (planned)`: a step booked after the letter's date."""
    return f"{long_date(value)} (planned)" if isinstance(value, date) else value


def date_or(value: Any, placeholder: str = NOT_RECORDED) -> Any:
    """`Monday 6 January 2025`, or the placeholder when no date is recorded."""
    return placeholder if is_blank(value) else _long_date(value)


def otherwise(value: Any, placeholder: str = NOT_RECORDED) -> Any:
    """The value, or the placeholder when it is not recorded (None, empty text or list).

    Unlike Jinja's `default(x, true)`, a recorded `false` or 0 is kept.
    """
    return placeholder if is_blank(value) else value


def yes_no(value: Any, placeholder: str = NOT_RECORDED, yes: str = "Yes", no: str = "No") -> Any:
    """Yes or No; "Not known" where the officer recorded "unknown"; the placeholder if blank."""
    if value is None:
        return placeholder
    if value == UNKNOWN:
        return "Not known"
    return yes if value else no


def label(value: Any) -> Any:
    """Words for a case file's coded values (`serious-harm` → `Serious harm`)."""
    if isinstance(value, str):
        return _LABELS.get(value, value)
    return value


def oneline(value: Any) -> Any:
    """Text on one line, for table cells and list items where a line break would end them."""
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def refuse(reason: str) -> str:
    """`{{ refuse("why") }}` in a template: this letter does not fit the case; say why."""
    raise LetterRefused(str(reason))


def _quoter(quoted: list[tuple[str, str]]) -> Callable[[Any, Any], Any]:
    def quote(label: Any, text: Any) -> Any:
        """`{{ quote("the reason for the letter", cspr.x) }}`: the text, noted for the officer."""
        if not is_blank(text):
            quoted.append((str(label), " ".join(str(text).split())))
        return text

    return quote


def lines(values: Any) -> Markdown:
    """Items on lines of their own within one paragraph (an address block), blanks left out."""
    items = values if isinstance(values, list | tuple) else [values]
    return Markdown(
        "\\\n".join(md_escape(to_text(item, LETTER)) for item in items if not is_blank(item))
    )


def age_at(date_of_birth: Any, on: Any) -> str | None:
    """A child's age on a date, as a form asks for it: `4 years 9 months`, `7 months`, `3 weeks`.

    None when either date is missing or birth is after `on`, so templates chain `| otherwise`.
    """
    if not isinstance(date_of_birth, date) or not isinstance(on, date) or date_of_birth > on:
        return None
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    years, months = divmod(months, 12)
    if years:
        text = _plural(years, "year")
        return f"{text} {_plural(months, 'month')}" if months else text
    if months:
        return _plural(months, "month")
    days = (on - date_of_birth).days
    return _plural(days // 7, "week") if days >= 7 else _plural(days, "day")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


# -- rendering and checking ------------------------------------------------------------------


def render_markdown(store: TemplateStore, name: str, context: Mapping[str, Any],
                    quoted: list[tuple[str, str]] | None = None) -> str:
    """Render template `name` to Markdown; any template problem becomes a `TemplateError`.

    `quoted`: filled with (label, text) for each `quote(...)` the letter made.
    """
    bare = check_name(name)
    if bare.startswith("_"):
        raise TemplateError(
            f"{bare!r} is a shared part of other templates, not a letter; `lscp templates` "
            "lists the letters"
        )
    env = make_environment(store, quoted)
    try:
        template = env.get_template(f"{bare}{SUFFIX}")
        return limits.render(template, context, bare)
    except LetterRefused as exc:
        raise LetterRefused(f"{bare} does not fit this case: {exc}") from None
    except jinja2.TemplateNotFound as exc:
        if exc.name == f"{bare}{SUFFIX}":
            store.source(bare)  # raises the friendly "no template" message
        raise TemplateError(
            f"template {bare!r} uses {exc.name!r}, which is neither in "
            f"{store.folder or 'the casebook'} nor built in"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name or bare}:{exc.lineno}"
        raise TemplateError(
            f"{where}: template syntax error: {exc.message}; fix that line, or delete the file "
            "to use the built-in template"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{_where(exc.__traceback__, bare)}: template {bare!r} uses "
            f"{_missing_field(str(exc))}, which a case does not have; check the spelling "
            "against the case file's field names"
        ) from None
    except SecurityError as exc:
        raise TemplateError(
            f"{_where(exc.__traceback__, bare)}: template {bare!r} tried something templates "
            f"may not do ({exc}); templates can only read the case, not reach into Python"
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise TemplateError(
            f"{_where(exc.__traceback__, bare)}: template {bare!r} failed: "
            f"{type(exc).__name__}: {without_values(str(exc))}"
        ) from None


def check_templates(store: TemplateStore) -> list[Problem]:
    """Syntax problems in the casebook's own templates, for `lscp check`."""
    problems: list[Problem] = []
    env = make_environment(store)
    for path in store.own_files():
        try:
            env.parse(read_own(path), path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(path, exc.lineno, f"template syntax error: {exc.message}; "
                                    "fix that line, or delete the file to use the built-in "
                                    "template"))
        except TemplateError as exc:  # not UTF-8, a link out of the casebook, a FIFO
            problems.append(Problem(path, None, str(exc).removeprefix(f"{path}: ")))
    return problems


def _where(tb: TracebackType | None, fallback: str) -> str:
    """`FILE:LINE` of the template line that failed (Jinja rewrites frames to point at it)."""
    where = fallback
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<frozen"):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _missing_field(message: str) -> str:
    if match := re.match(r"^'(.*)' has no attribute '(.*)'$", message, re.DOTALL):
        owner, field = match.groups()
        owner = "the table" if owner == "dict object" else owner
        return f"the field {_field_name(field)} (not in {owner})"
    if match := re.match(r"^'(.*)' is undefined$", message, re.DOTALL):
        return f"the name {_field_name(match.group(1))}"
    return without_values(message)


_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_\-]{0,40}$")  # case fields are lower case


def _field_name(name: str) -> str:
    """A field name as typed in a template; a value used as a name (`{}[incident.summary]`)
    is case content and never goes into a message that may reach a log."""
    return repr(name) if _FIELD_NAME.match(name) else "[a value from the case]"


_QUOTED = re.compile(r"'[^']{25,}'|\"[^\"]{25,}\"|'[^']*\n[^']*'|\"[^\"]*\n[^\"]*\"")


def without_values(text: str) -> str:
    """An exception's text with any long quoted value (case content, likely) left out."""
    return _QUOTED.sub("[a value from the case]", text)
