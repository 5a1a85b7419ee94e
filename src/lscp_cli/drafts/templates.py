"""Finding, listing and copying templates: the casebook's `templates/` folder over the built-ins.

A template is Markdown with Jinja in it (`NAME.md.j2`). A file in the casebook's folder with a
built-in's name replaces the built-in for that casebook; `lscp templates copy` starts one.
Built-ins are read through importlib.resources, so an installed wheel works, not only a checkout.
"""

from __future__ import annotations

import difflib
import os
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from lscp_cli.base import fileguard
from lscp_cli.base.portable import windows_name_problem
from lscp_cli.base.records import dataclass
from lscp_cli.base.safefile import atomic_write
from lscp_cli.drafts.pandoc import REFERENCE_DOC, default_reference_doc
from lscp_cli.errors import TemplateError

SUFFIX = ".md.j2"
LAYOUT = "_letter"

# Template names become file names: keep them to a safe, predictable shape.
_NAME = re.compile(r"^_?[a-z0-9][a-z0-9-]{0,62}$")
_FRONT = re.compile(r"\A\{#-?(.*?)-?#\}", re.DOTALL)


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    description: str
    builtin: bool
    overridden: bool  # a casebook file replaces the built-in of this name
    requires: tuple[str, ...]  # e.g. ("agency",): what `lscp draft` must be given
    origin: str  # where the template in use is read from
    accepts: tuple[str, ...] = ()  # e.g. ("event",): what `lscp draft` may be given

    @property
    def is_letter(self) -> bool:
        return not self.name.startswith("_")


@dataclass(frozen=True)
class TemplateSource:
    text: str
    origin: str  # the file, or "built-in NAME.md.j2"
    builtin: bool


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
    if problem := windows_name_problem(f"{bare}{SUFFIX}"):
        raise TemplateError(f"{name!r} cannot be a template name: {bare}{SUFFIX} {problem}; "
                            "choose another name")
    return bare


def builtin_source(name: str) -> str:
    """The text of the built-in template `name`, whatever the casebook holds."""
    bare = check_name(name)
    builtin = builtin_dir() / f"{bare}{SUFFIX}"
    if not builtin.is_file():
        raise TemplateError(f"there is no built-in template called {bare!r}; `lscp templates` "
                            "lists them")
    return builtin.read_text(encoding="utf-8")


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


def _builtin_names() -> list[str]:
    return sorted(
        entry.name.removesuffix(SUFFIX)
        for entry in builtin_dir().iterdir()
        if entry.name.endswith(SUFFIX)
    )


# A letter template is a few KB; this is far past any real one.
MAX_TEMPLATE_BYTES = 1 << 20
MAX_REFERENCE_BYTES = 50 << 20  # a Word styles document, with a logo or two


def read_own(path: Path) -> str:
    """The text of a casebook template file (in `templates/`, or a reference document's
    check): an ordinary file inside the casebook, never a link out of it nor a FIFO."""
    try:
        raw = fileguard.read_regular(path, path.parent.parent, limit=MAX_TEMPLATE_BYTES)
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise TemplateError(f"{path}: {_refused(exc)}") from None


def _refused(exc: OSError) -> str:
    return fileguard.refused(exc) or f"cannot be read ({exc.strerror})"


class TemplateStore:
    """The templates a casebook renders with: its own `folder` first, then the built-ins.

    `folder` None means the built-ins only (a script with no casebook).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"TemplateStore({self.folder!r})"

    def own_file(self, name: str) -> Path | None:
        """The casebook's file for template `name`, if it has one."""
        if self.folder is None:
            return None
        path = self.folder / f"{check_name(name)}{SUFFIX}"
        return path if path.is_file() else None

    def own_files(self) -> list[Path]:
        """The casebook's own template files (any name ending .md.j2), sorted."""
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"*{SUFFIX}"))

    def own_names(self) -> list[str]:
        names = (path.name.removesuffix(SUFFIX) for path in self.own_files())
        return [name for name in names if _NAME.match(name)]

    def source(self, name: str) -> TemplateSource:
        """The template in use for `name`: the casebook's own, else the built-in."""
        bare = check_name(name)
        own = self.own_file(bare)
        if own is not None:
            return TemplateSource(read_own(own), str(own), builtin=False)
        builtin = builtin_dir() / f"{bare}{SUFFIX}"
        if builtin.is_file():
            return TemplateSource(builtin.read_text(encoding="utf-8"),
                                  f"built-in {bare}{SUFFIX}", builtin=True)
        where = f" (a partnership's own go in {self.folder}/NAME{SUFFIX})" if self.folder else ""
        close = difflib.get_close_matches(bare, [*_builtin_names(), *self.own_names()], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise TemplateError(f"no template called {bare!r}; {hint}`lscp templates` lists "
                            f"them{where}")

    def templates(self) -> list[TemplateInfo]:
        """Every template: the built-ins (letters first, then shared parts) and the casebook's."""
        builtins = _builtin_names()
        own = set(self.own_names())
        return [
            self._info(name, builtins)
            for name in sorted(set(builtins) | own, key=lambda n: (n.startswith("_"), n))
        ]

    def info(self, name: str) -> TemplateInfo | None:
        """What `lscp templates` says about `name`, or None when there is no such template."""
        bare = check_name(name)
        builtins = _builtin_names()
        if bare not in builtins and self.own_file(bare) is None:
            return None
        return self._info(bare, builtins)

    def _info(self, name: str, builtins: list[str]) -> TemplateInfo:
        source = self.source(name)
        meta = front_matter(source.text)
        if not meta.get("description") and name in builtins:
            # An override without its own description keeps the built-in's.
            meta = {**front_matter(builtin_source(name)), **{k: v for k, v in meta.items() if v}}
        requires, accepts = (tuple(r.strip() for r in meta.get(key, "").split(",") if r.strip())
                             for key in ("requires", "accepts"))
        return TemplateInfo(
            name=name,
            description=meta.get("description", "(no description)"),
            builtin=name in builtins,
            overridden=name in builtins and not source.builtin,
            requires=requires,
            origin=source.origin,
            accepts=accepts,
        )

    def reference_doc(self) -> Path | None:
        """The casebook's Word styles document for `--format docx`, if it has one."""
        if self.folder is None:
            return None
        path = self.folder / REFERENCE_DOC
        if not os.path.lexists(path):
            return None
        try:  # pandoc reads it: a link out of the casebook or a FIFO is refused here first
            fileguard.read_regular(path, self.folder.parent, limit=MAX_REFERENCE_BYTES)
        except OSError as exc:
            raise TemplateError(f"{path}: {_refused(exc)}") from None
        return path

    def copy(self, name: str, *, overwrite: bool = False) -> Path:
        """Copy a built-in into the casebook's folder for the partnership to edit.

        `reference.docx` gives lscp's own Word styles document, to restyle for `--format docx`.
        """
        if self.folder is None:
            raise TemplateError("there is no casebook templates folder to copy into")
        if name == REFERENCE_DOC:
            target = self.folder / REFERENCE_DOC
            atomic_write(target, default_reference_doc(), overwrite=overwrite)
            return target
        bare = check_name(name)
        target = self.folder / f"{bare}{SUFFIX}"
        atomic_write(target, builtin_source(bare).encode("utf-8"), overwrite=overwrite)
        return target
