"""Records as `dataclasses` makes them (`@dataclass`, `@dataclass(frozen=True)`, `field`,
`replace`), without what it costs to start.

`dataclasses` imports `inspect` (and with it `ast`, `dis`, `tokenize`), about 7 ms, and
compiles four to six methods for every class it makes, 0.2 to 0.4 ms a class: with the 25
records a listing loads, more than `lscp deadlines` may spend on starting at all
(benchmarks/bench_startup.py). Here a class costs a few microseconds: `__init__` is compiled
the first time a record of that class is made (as dataclasses writes it, so making records
stays as fast), and `__repr__`, `__eq__`, `__hash__` and the frozen guard are shared
functions that read the class's field list.

The subset lscp uses, with dataclasses' meaning: fields from the class's annotations (in
order; those of a base record first), defaults and `field(default=, default_factory=,
compare=, repr=)`; `frozen=True` (assigning or deleting a field raises
`FrozenInstanceError`, an AttributeError) and then a hash of the compared fields; equality of
records of the same class by the compared fields; a method the class defines itself is kept.
No `__post_init__`, `InitVar`, `ClassVar`, `kw_only`, `order` or slots: a class using them is
refused when it is made, never quietly made otherwise. tests/test_records.py holds it to
dataclasses' behaviour. `typing.dataclass_transform` tells mypy these are dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

from lscp_cli.errors import FrozenInstanceError

_T = TypeVar("_T")
_MISSING: Any = type("_MissingType", (), {"__repr__": lambda self: "MISSING"})()
_FACTORY: Any = type("_FactoryType", (), {"__repr__": lambda self: "<factory>"})()
_UNSUPPORTED = ("__post_init__", "__slots__")


class Field:
    """One field of a record: its name, default (or default factory), and whether equality,
    hashing and the repr use it."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr", "type")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING,
                 compare: bool = True, repr: bool = True) -> None:  # noqa: A002 (dataclasses')
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None  # its annotation (text, with `from __future__ import annotations`)
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | Any = _MISSING,
          compare: bool = True, repr: bool = True) -> Any:  # noqa: A002 (dataclasses')
    """A field with a default factory, or left out of equality or the repr."""
    return Field(default, default_factory, compare, repr)


def fields(record: Any) -> tuple[Field, ...]:
    """The fields of a record or record class, in order."""
    found: tuple[Field, ...] = getattr(record, "__record_fields__", None) or ()
    if not found and not hasattr(record, "__record_fields__"):
        raise TypeError("must be called with a record type or instance")
    return found


def replace(record: _T, /, **changes: Any) -> _T:
    """A copy of `record` with `changes` (as `dataclasses.replace`)."""
    for one in fields(record):
        if one.name not in changes:
            changes[one.name] = getattr(record, one.name)
    return record.__class__(**changes)


@overload
def dataclass(cls: type[_T], /) -> type[_T]: ...


@overload
def dataclass(*, frozen: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(field_specifiers=(field, Field))
def dataclass(cls: type[_T] | None = None, /, *, frozen: bool = False
              ) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make `cls` a record, as `dataclasses.dataclass` would (see the module's text)."""

    def wrap(cls: type[_T]) -> type[_T]:
        return _process(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _process(cls: type[_T], frozen: bool) -> type[_T]:
    own = cls.__dict__
    for name in _UNSUPPORTED:
        if name in own:
            raise TypeError(f"{cls.__name__}: records do not support {name}")
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for one in getattr(base, "__record_fields__", ()):
            inherited[one.name] = one
    for name, annotation in own.get("__annotations__", {}).items():
        if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
            raise TypeError(f"{cls.__name__}.{name}: records do not support {annotation}")
        value = own.get(name, _MISSING)
        one = value if isinstance(value, Field) else Field(default=value)
        one.name, one.type = name, annotation
        if one.default is _MISSING:
            if name in own:
                delattr(cls, name)
        else:
            setattr(cls, name, one.default)
        inherited[name] = one  # a base's field redefined keeps its place
    ordered = tuple(inherited.values())
    seen_default = False
    for one in ordered:
        has_default = one.default is not _MISSING or one.default_factory is not _MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {one.name!r} follows default argument")
        seen_default = seen_default or has_default

    def setdefault(name: str, value: Any) -> None:
        if name not in own:
            setattr(cls, name, value)

    cls.__record_fields__ = ordered  # type: ignore[attr-defined]
    cls.__record_frozen__ = frozen  # type: ignore[attr-defined]
    setdefault("__match_args__", tuple(one.name for one in ordered))
    setdefault("__init__", _lazy_init(cls))
    setdefault("__repr__", _repr)
    setdefault("__eq__", _eq)
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment,method-assign]
    if frozen:
        methods = _frozen_methods(cls, frozenset(one.name for one in ordered))
        for name, method in zip(("__setattr__", "__delattr__"), methods, strict=True):
            if name in own:
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
            setattr(cls, name, method)
    return cls


def _lazy_init(cls: type) -> Callable[..., None]:
    """An `__init__` that compiles the real one (as dataclasses writes it) on its first call
    and puts it in its place: a class never made into a record costs no compiling."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if cls.__dict__.get("__init__") is __init__:
            cls.__init__ = _compiled_init(cls)  # type: ignore[misc]
        cls.__dict__["__init__"](self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _compiled_init(cls: type) -> Callable[..., None]:
    ordered: tuple[Field, ...] = cls.__record_fields__  # type: ignore[attr-defined]
    frozen: bool = cls.__record_frozen__  # type: ignore[attr-defined]
    names: dict[str, Any] = {"__object_setattr": object.__setattr__, "__FACTORY": _FACTORY}
    parameters, body = [], []
    for one in ordered:
        if one.default_factory is not _MISSING:
            names[f"__factory_{one.name}"] = one.default_factory
            parameters.append(f"{one.name}=__FACTORY")
            value = f"__factory_{one.name}() if {one.name} is __FACTORY else {one.name}"
        else:
            if one.default is not _MISSING:
                names[f"__default_{one.name}"] = one.default
                parameters.append(f"{one.name}=__default_{one.name}")
            else:
                parameters.append(one.name)
            value = one.name
        body.append(f"  __object_setattr(self, {one.name!r}, {value})" if frozen
                    else f"  self.{one.name} = {value}")
    source = (f"def __create_fn__({', '.join(names)}):\n"
              f" def __init__(self, {', '.join(parameters)}):\n"
              + "\n".join(f" {line}" for line in body or ["  pass"])
              + "\n return __init__")
    scope: dict[str, Any] = {}
    exec(source, {}, scope)  # noqa: S102 (the field names of lscp's own classes)
    made: Callable[..., None] = scope["__create_fn__"](**names)
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def _repr(self: Any) -> str:
    shown = ", ".join(f"{one.name}={getattr(self, one.name)!r}"
                      for one in self.__record_fields__ if one.repr)
    return f"{self.__class__.__qualname__}({shown})"


def _compared(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, one.name) for one in record.__record_fields__ if one.compare)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return _compared(self) == _compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_compared(self))


def _frozen_methods(cls: type, names: frozenset[str]
                    ) -> tuple[Callable[[Any, str, Any], None], Callable[[Any, str], None]]:
    """`__setattr__` and `__delattr__` of a frozen record (as dataclasses makes them)."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    return __setattr__, __delattr__
