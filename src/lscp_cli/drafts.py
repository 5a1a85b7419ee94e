"""Letters and summaries rendered from a case: Jinja templates, Markdown, HTML and Word.

A template is Markdown with Jinja in it (`NAME.md.j2`). The casebook's `templates/` folder is
searched first, then the built-ins shipped as `lscp_cli.templates`, for the letter itself and
for anything it extends or includes, so a partnership can restyle one letter or, through
`_letter.md.j2`, all of them. Every template renders in Jinja's immutable sandbox: a casebook
template is officer-written code, and a built-in one may extend a casebook layout.

Two promises pull against each other and are kept like this:
- a template never prints a silent blank: the render context holds *every* schema field (None,
  or [] for lists, when the case has not recorded it), so `StrictUndefined` still catches a
  misspelt or unknown field, and a recorded-but-empty field prints the template's placeholder
  (`{{ child.date_of_birth | date_or("[date of birth not recorded]") }}`) or, if the template
  gave none, `[not recorded]`;
- case text never restructures the letter: every printed value is escaped for Markdown (a
  summary line starting `# ` stays text) before pandoc turns the Markdown into HTML or Word,
  and pandoc reads with raw HTML switched off, so `<script>` in a case arrives as text.

No click or rich here; jinja2 is imported with this module, which the CLI imports only when a
draft or template command runs. pypandoc is imported only for HTML and Word output.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from lscp_cli.agencies import agency_key, find_agency, same_agency, tidy_name
from lscp_cli.case import ARRAYS, TABLES, TOP_FIELDS
from lscp_cli.dates import long_date
from lscp_cli.errors import Problem, TemplateError
from lscp_cli.rules import case_milestones
from lscp_cli.settings import Settings

if TYPE_CHECKING:
    from lscp_cli.rules import Deadline

SUFFIX = ".md.j2"
FORMATS = ("md", "html", "docx")
LAYOUT = "_letter"
REFERENCE_DOC = "reference.docx"
NOT_RECORDED = "[not recorded]"

# Template names become file names: keep them to a safe, predictable shape.
_NAME = re.compile(r"^_?[a-z0-9][a-z0-9-]{0,62}$")

# Fields whose value is a list: an unrecorded one is [] so `{% for %}` and `| otherwise` work.
_LIST_FIELDS = frozenset({"known_to", "learning", "immediate_actions", "practitioner_events"})

# pandoc's Markdown reader minus everything that would let text become raw output.
PANDOC_READER = "markdown-raw_html-raw_attribute-raw_tex"

_LABELS = {
    "death": "Death",
    "serious-harm": "Serious harm",
    "known": "Known",
    "suspected": "Suspected",
    "not-suspected": "Not suspected (the death of a looked-after child)",
    "cspr": "a Child Safeguarding Practice Review (CSPR)",
    "no-cspr": "no Child Safeguarding Practice Review",
    "other-review": "another form of review",
    "female": "Female",
    "male": "Male",
    "unknown": "Unknown",
    "not-recorded": "Not recorded",
}

_HTML_STYLE = """<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #777; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
@media print { body { margin: 0; max-width: none; } @page { margin: 2cm; } }
</style>"""


# Milestones with one deadline per case (from rules.toml); per-agency and per-action ones go
# on their rows.
CASE_MILESTONES = tuple(case_milestones())


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    description: str
    builtin: bool
    overridden: bool  # a casebook file replaces the built-in of this name
    requires: tuple[str, ...]  # e.g. ("agency",): what `lscp draft` must be given
    origin: str  # where the template in use is read from

    @property
    def is_letter(self) -> bool:
        return not self.name.startswith("_")


@dataclass(frozen=True)
class Draft:
    template: str
    fmt: str
    content: bytes
    markdown: str

    @property
    def text(self) -> str:
        """The draft as text (md and html); Word documents have none."""
        if self.fmt == "docx":
            raise TemplateError("a Word document cannot be shown as text; write it to a file")
        return self.content.decode("utf-8")


# -- finding templates -----------------------------------------------------------------------


def builtin_dir() -> Traversable:
    return files("lscp_cli.templates")


def check_name(name: str) -> str:
    """The bare template name (`panel-notification`), accepting a trailing `.md.j2`."""
    bare = name.removesuffix(SUFFIX)
    if not _NAME.match(bare):
        raise TemplateError(
            f"{name!r} is not a template name; names are lower-case letters, digits and "
            "hyphens, e.g. panel-notification (see `lscp templates`)"
        )
    return bare


def _builtin_names() -> list[str]:
    return sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in builtin_dir().iterdir()
        if entry.name.endswith(SUFFIX)
    )


def _casebook_names(templates_dir: Path | None) -> list[str]:
    if templates_dir is None or not templates_dir.is_dir():
        return []
    return sorted(
        path.name.removesuffix(SUFFIX)
        for path in templates_dir.iterdir()
        if path.name.endswith(SUFFIX) and _NAME.match(path.name.removesuffix(SUFFIX))
    )


def template_source(name: str, templates_dir: Path | None) -> tuple[str, str, bool]:
    """(source, where it was read from, whether it is the built-in) of the template in use."""
    bare = check_name(name)
    if templates_dir is not None:
        own = templates_dir / f"{bare}{SUFFIX}"
        if own.is_file():
            return _read_text(own), str(own), False
    builtin = builtin_dir() / f"{bare}{SUFFIX}"
    if builtin.is_file():
        return builtin.read_text(encoding="utf-8"), f"built-in {bare}{SUFFIX}", True
    raise TemplateError(
        f"no template called {bare!r}; `lscp templates` lists them"
        + (f" (a partnership's own go in {templates_dir}/NAME{SUFFIX})" if templates_dir else "")
    )


def builtin_source(name: str) -> str:
    bare = check_name(name)
    builtin = builtin_dir() / f"{bare}{SUFFIX}"
    if not builtin.is_file():
        raise TemplateError(f"there is no built-in template called {bare!r}; `lscp templates` "
                            "lists them")
    return builtin.read_text(encoding="utf-8")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise TemplateError(f"{path}: cannot be read ({exc.strerror})") from None


_FRONT = re.compile(r"\A\{#-?(.*?)-?#\}", re.DOTALL)


def front_matter(source: str) -> dict[str, str]:
    """`key: value` lines from the comment a template starts with (description, requires)."""
    match = _FRONT.match(source)
    if not match:
        return {}
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().isidentifier():
            fields[key.strip()] = value.strip()
    return fields


def list_templates(templates_dir: Path | None) -> list[TemplateInfo]:
    """Every template: the built-ins (letters first, then shared parts) and the casebook's own."""
    builtins = _builtin_names()
    own = set(_casebook_names(templates_dir))
    infos = []
    for name in sorted(set(builtins) | own, key=lambda n: (n.startswith("_"), n)):
        source, origin, is_builtin = template_source(name, templates_dir)
        meta = front_matter(source)
        if not meta.get("description") and name in builtins:
            meta = {**front_matter(builtin_source(name)), **{k: v for k, v in meta.items() if v}}
        requires = tuple(r.strip() for r in meta.get("requires", "").split(",") if r.strip())
        infos.append(
            TemplateInfo(
                name=name,
                description=meta.get("description", "(no description)"),
                builtin=name in builtins,
                overridden=name in builtins and not is_builtin,
                requires=requires,
                origin=origin,
            )
        )
    return infos


def copy_template(name: str, templates_dir: Path, *, overwrite: bool = False) -> Path:
    """Copy a built-in into the casebook's `templates/` for the partnership to edit.

    `reference.docx` gives pandoc's own Word styles document, to restyle for `--format docx`.
    """
    from lscp_cli.safefile import atomic_write

    if name == REFERENCE_DOC:
        target = templates_dir / REFERENCE_DOC
        atomic_write(target, default_reference_doc(), overwrite=overwrite)
        return target
    bare = check_name(name)
    target = templates_dir / f"{bare}{SUFFIX}"
    atomic_write(target, builtin_source(bare).encode("utf-8"), overwrite=overwrite)
    return target


# -- the Jinja environment -------------------------------------------------------------------


class _BuiltinLoader(jinja2.BaseLoader):
    """Built-in templates through importlib.resources, so an installed wheel works too."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        entry = builtin_dir() / template
        if "/" in template or "\\" in template or not entry.is_file():
            raise jinja2.TemplateNotFound(template)
        return entry.read_text(encoding="utf-8"), f"built-in {template}", lambda: True


def make_environment(templates_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(templates_dir), followlinks=False))
    loaders.append(_BuiltinLoader())
    env = ImmutableSandboxedEnvironment(
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
        date_or=date_or,
        otherwise=otherwise,
        yes_no=yes_no,
        label=label,
        oneline=oneline,
        age_at=age_at,
        lines=lines,
    )
    env.globals["refuse"] = refuse
    return env


# -- filters and escaping --------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _long_date(value: Any) -> Any:
    return long_date(value) if isinstance(value, date) else value


def date_or(value: Any, placeholder: str = NOT_RECORDED) -> Any:
    """`Monday 6 January 2025`, or the placeholder when no date is recorded."""
    return placeholder if _blank(value) else _long_date(value)


def otherwise(value: Any, placeholder: str = NOT_RECORDED) -> Any:
    """The value, or the placeholder when it is not recorded (None, empty text or list).

    Unlike Jinja's `default(x, true)`, a recorded `false` or 0 is kept.
    """
    return placeholder if _blank(value) else value


def yes_no(value: Any, placeholder: str = NOT_RECORDED, yes: str = "Yes", no: str = "No") -> Any:
    if value is None:
        return placeholder
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


class LetterRefused(TemplateError):
    """The letter does not fit the case (e.g. a family CSPR letter without a CSPR decision)."""


def refuse(reason: str) -> str:
    """`{{ refuse("why") }}` in a template: this letter does not fit the case; say why."""
    raise LetterRefused(str(reason))


class Markdown(str):
    """Text that is already Markdown (escaped where it came from the case): printed as is."""


def lines(values: Any) -> Markdown:
    """Items on lines of their own within one paragraph (an address block), blanks left out."""
    items = values if isinstance(values, list | tuple) else [values]
    return Markdown("\\\n".join(md_escape(_plain(item)) for item in items if not _blank(item)))


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


# Inline Markdown that case text could trigger. Underscores and @ only matter at word edges and
# & only before an entity, so e-mail addresses and snake_case stay readable in the .md file.
_INLINE_SPECIAL = re.compile(
    r"[\\`*{}<>|~^$#]"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])@"
    r"|&(?=#?[A-Za-z0-9]+;)"
    r"|\[(?=\^)|\](?=[(\[{:])"
)
# Characters that start a block (heading, quote, list, table, div, definition) at a line start.
# `[` only starts one as a link definition (`[x]: url`); placeholders like `[not recorded]` stay
# readable.
_LINE_START_SPECIAL = frozenset(">+-=:%(")
_LINK_DEFINITION = re.compile(r"^\[[^\]]*\]:")
_LIST_MARKER = re.compile(r"^(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])(?=\s|$)")


def md_escape(text: str) -> str:
    """Case text as Markdown that reads as the same text and cannot change the structure."""
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # Leading spaces would make an indented code block.
        line = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), raw.lstrip())
        if line[:1] in _LINE_START_SPECIAL or _LINK_DEFINITION.match(line):
            line = "\\" + line
        line = _LIST_MARKER.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def finalize(value: Any) -> str:
    """How every `{{ value }}` prints: dates long, lists joined, blanks visible, all escaped."""
    if isinstance(value, Markdown | Markup):
        # Markup comes from `| safe`: the template's author vouches for it being Markdown.
        return str(value)
    return md_escape(_plain(value))


def _plain(value: Any) -> str:
    if _blank(value):
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


# -- the render context ----------------------------------------------------------------------


def _empty(field: str) -> Any:
    return [] if field in _LIST_FIELDS else None


def _value(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None  # "" in a case file means "not recorded yet", not "print nothing"
    return value


def _row(data: Any, fields: Iterable[str]) -> dict[str, Any]:
    given = data if isinstance(data, Mapping) else {}
    row = {field: _empty(field) for field in fields}
    row.update({key: _value(value) for key, value in given.items()})
    return row


def normalise_case(case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The case with every schema field present: None (or []) where nothing is recorded."""
    case = _row(case_data, TOP_FIELDS)
    for table, fields in TABLES.items():
        case[table] = _row(case_data.get(table), fields)
    for array, fields in ARRAYS.items():
        rows = case_data.get(array)
        case[array] = [_row(row, fields) for row in rows] if isinstance(rows, list) else []
    return case


def _deadline_view(deadline: Deadline | None) -> dict[str, Any]:
    if deadline is None:
        return {"due": None, "met": None, "status": None, "provisional": False, "basis": None}
    return {
        "due": deadline.due,
        "met": deadline.met,
        "status": deadline.status,
        "provisional": deadline.provisional,
        "basis": deadline.basis,
    }


def with_agency_requested(
    case_data: Mapping[str, Any], name: str, today: date
) -> tuple[dict[str, Any], bool]:
    """The case as it will be once `name` is asked today, and whether that is hypothetical.

    A request letter is usually drafted before the request is recorded, and its return date
    must still be right: the CLI works the deadlines out from this version and says so.
    """
    data = dict(case_data)
    agencies = [dict(row) for row in case_data.get("agencies") or [] if isinstance(row, Mapping)]
    existing = find_agency(case_data.get("agencies"), name)
    if existing is not None and isinstance(existing.get("requested"), date):
        return data, False
    if existing is None:
        agencies.append({"name": tidy_name(name), "requested": today})
    else:
        for row in agencies:
            if same_agency(row.get("name"), existing.get("name")):
                row["requested"] = today
    data["agencies"] = agencies
    return data, True


def build_context(
    case_data: Mapping[str, Any],
    settings: Settings,
    deadlines: Sequence[Deadline],
    *,
    agency: str | None = None,
    today: date,
) -> dict[str, Any]:
    """Everything a template can use. Every key is always present (see the module docstring)."""
    case = normalise_case(case_data)
    by_milestone = {d.milestone: d for d in deadlines if d.milestone in CASE_MILESTONES}
    returns = {
        agency_key(d.agency): d for d in deadlines if d.milestone == "agency-return" and d.agency
    }
    for row in case["agencies"]:
        row["return_due"] = _deadline_view(returns.get(agency_key(row.get("name"))))["due"]
    chosen = None
    if agency is not None:
        chosen = find_agency(case["agencies"], agency)
        if chosen is None:
            chosen = {**_row({"name": tidy_name(agency)}, ARRAYS["agencies"]), "return_due": None}
    partnership = {key: _value(value) for key, value in settings.partnership.items()}
    partnership["address"] = [line for line in partnership.get("address") or [] if line.strip()]
    marking = partnership.get("protective_marking") or "OFFICIAL-SENSITIVE"
    partnership["protective_marking"] = marking
    return {
        "case": case,
        **{key: case[key] for key in (*TABLES, *ARRAYS)},
        "partnership": partnership,
        "panel": settings.panel,
        "notifier": {key: settings.notifier.get(key) or None for key in ("name", "phone", "email")},
        "marking": marking,
        "deadlines": {
            milestone.replace("-", "_"): _deadline_view(by_milestone.get(milestone))
            for milestone in CASE_MILESTONES
        },
        "agency": chosen,
        "today": today,
    }


# -- rendering -------------------------------------------------------------------------------


def render_markdown(
    name: str, context: Mapping[str, Any], templates_dir: Path | None = None
) -> str:
    """Render template `name` to Markdown; any template problem becomes a `TemplateError`."""
    bare = check_name(name)
    if bare.startswith("_"):
        raise TemplateError(
            f"{bare!r} is a shared part of other templates, not a letter; `lscp templates` "
            "lists the letters"
        )
    env = make_environment(templates_dir)
    try:
        template = env.get_template(f"{bare}{SUFFIX}")
        return template.render(**context)
    except LetterRefused as exc:
        raise LetterRefused(f"{bare} does not fit this case: {exc}") from None
    except jinja2.TemplateNotFound as exc:
        if exc.name == f"{bare}{SUFFIX}":
            template_source(bare, templates_dir)  # raises the friendly "no template" message
        raise TemplateError(
            f"template {bare!r} uses {exc.name!r}, which is neither in "
            f"{templates_dir or 'the casebook'} nor built in"
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
            f"{type(exc).__name__}: {exc}"
        ) from None


def check_templates(templates_dir: Path) -> list[Problem]:
    """Syntax problems in the casebook's own templates, for `lscp check`."""
    problems: list[Problem] = []
    if not templates_dir.is_dir():
        return problems
    env = make_environment(templates_dir)
    for path in sorted(templates_dir.glob(f"*{SUFFIX}")):
        try:
            env.parse(path.read_text(encoding="utf-8"), path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(path, exc.lineno, f"template syntax error: {exc.message}; "
                                    "fix that line, or delete the file to use the built-in "
                                    "template"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(path, None, f"cannot be read ({exc}); save it as UTF-8"))
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
    if match := re.match(r"^'(.*)' has no attribute '(.*)'$", message):
        owner, field = match.groups()
        owner = "the table" if owner == "dict object" else owner
        return f"the field {field!r} (not in {owner})"
    if match := re.match(r"^'(.*)' is undefined$", message):
        return f"the name {match.group(1)!r}"
    return message


def to_html(markdown: str, title: str) -> bytes:
    """A standalone printable HTML page; pandoc escapes all text."""
    import pypandoc

    html = pypandoc.convert_text(
        markdown,
        "html5",
        format=PANDOC_READER,
        extra_args=[
            "--standalone",
            f"--metadata=pagetitle:{title}",
            "--variable=lang:en-GB",
            f"--variable=header-includes:{_HTML_STYLE}",
        ],
    )
    return str(html).encode("utf-8")


def default_reference_doc() -> bytes:
    """pandoc's default Word styles document (the officer has no pandoc command of their own)."""
    import subprocess

    import pypandoc

    finished = subprocess.run(  # noqa: S603  (a fixed argument list, no shell)
        [pypandoc.get_pandoc_path(), "--print-default-data-file", REFERENCE_DOC],
        capture_output=True,
        check=False,
    )
    if finished.returncode != 0 or not finished.stdout.startswith(b"PK"):
        raise TemplateError("pandoc could not produce its default reference.docx; reinstall lscp")
    return finished.stdout


def to_docx(markdown: str, reference_doc: Path | None = None) -> bytes:
    """A Word document, styled from `reference_doc` when the casebook has one."""
    import pypandoc

    extra = [f"--reference-doc={reference_doc}"] if reference_doc is not None else []
    # pandoc writes .docx only to a file: a private temporary folder, then the caller's
    # atomic_write puts it in place with the right mode.
    with tempfile.TemporaryDirectory(prefix="lscp-") as folder:
        out = Path(folder) / "draft.docx"
        pypandoc.convert_text(
            markdown, "docx", format=PANDOC_READER, outputfile=str(out), extra_args=extra
        )
        return out.read_bytes()


def render(
    name: str,
    case_data: Mapping[str, Any],
    settings: Settings,
    deadlines: Sequence[Deadline],
    fmt: str = "md",
    *,
    agency: str | None = None,
    today: date,
    templates_dir: Path | None = None,
) -> Draft:
    """Render template `name` for a case in `fmt` (md, html or docx)."""
    if fmt not in FORMATS:
        raise TemplateError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    bare = check_name(name)
    context = build_context(case_data, settings, deadlines, agency=agency, today=today)
    markdown = render_markdown(bare, context, templates_dir)
    if fmt == "md":
        content = markdown.encode("utf-8")
    elif fmt == "html":
        case_id = context["case"].get("id") or "case"
        content = to_html(markdown, f"DRAFT {bare} {case_id}")
    else:
        reference = templates_dir / REFERENCE_DOC if templates_dir is not None else None
        content = to_docx(markdown, reference if reference and reference.is_file() else None)
    return Draft(template=bare, fmt=fmt, content=content, markdown=markdown)


def default_output(drafts_dir: Path, name: str, fmt: str) -> Path:
    return drafts_dir / f"{check_name(name)}.{fmt}"


def write_draft(draft: Draft, path: Path, *, overwrite: bool = False) -> Path:
    """Write the draft owner-only (0600) in an owner-only folder; never replace unless asked."""
    from lscp_cli.safefile import atomic_write

    atomic_write(path, draft.content, overwrite=overwrite)
    return path
