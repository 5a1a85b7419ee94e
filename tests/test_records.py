"""base/records.py makes records as `dataclasses` does, for the subset lscp uses: the same
class written with each must behave the same."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from lscp_cli.base import records
from lscp_cli.errors import FrozenInstanceError


def both(frozen: bool) -> list[Any]:
    """The same class made by dataclasses and by records."""
    made = []
    for module in (dataclasses, records):
        @module.dataclass(frozen=frozen)  # type: ignore[attr-defined,misc]
        class Point:
            """A point."""

            x: int
            y: str
            z: int = 3
            tags: list[str] = module.field(default_factory=list)  # type: ignore[attr-defined]
            note: str | None = module.field(default=None, compare=False,  # type: ignore[attr-defined]
                                            repr=False)

        made.append(Point)
    return made


@pytest.mark.parametrize("frozen", [True, False])
def test_made_compared_shown_as_dataclasses_does(frozen: bool) -> None:
    theirs, ours = both(frozen)
    for args, kwargs in [((1, "a"), {}), ((1,), {"y": "b", "z": 5}),
                         ((), {"x": 2, "y": "c", "tags": ["t"], "note": "n"})]:
        a, b = theirs(*args, **kwargs), ours(*args, **kwargs)
        assert repr(a) == repr(b)
        assert (a.x, a.y, a.z, a.tags, a.note) == (b.x, b.y, b.z, b.tags, b.note)
        assert (ours(*args, **kwargs) == b) is True
        assert (b == a) is False  # another class
        assert (ours(*args, **{**kwargs, "note": "other"}) == b) is True  # compare=False
        assert (ours(*args, **{**kwargs, "z": 99}) == b) is False
    assert theirs(1, "a").tags is not theirs(1, "a").tags
    assert ours(1, "a").tags is not ours(1, "a").tags  # a fresh list each time
    assert ours.__match_args__ == theirs.__match_args__
    assert [f.name for f in records.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    assert [f.type for f in records.fields(ours)] == [f.type for f in dataclasses.fields(theirs)]


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1,), {}), ((1, "a"), {"x": 2}),
                                          ((1, "a"), {"w": 0}), ((1, "a", 3, [], None, 6), {})])
def test_wrong_arguments_refused_as_dataclasses_does(args: tuple[Any, ...],
                                                     kwargs: dict[str, Any]) -> None:
    theirs, ours = both(True)
    with pytest.raises(TypeError) as their_error:
        theirs(*args, **kwargs)
    with pytest.raises(TypeError) as our_error:
        ours(*args, **kwargs)
    assert str(our_error.value).split("()", 1)[1] == str(their_error.value).split("()", 1)[1]


def test_frozen_refuses_changes_and_hashes_its_compared_fields() -> None:
    theirs, ours = both(True)
    point = ours(1, "a", tags=())  # type: ignore[arg-type]
    for change in (lambda: setattr(point, "x", 2), lambda: delattr(point, "x"),
                   lambda: setattr(point, "new", 1)):
        with pytest.raises(FrozenInstanceError):
            change()
    with pytest.raises(AttributeError):
        point.x = 5
    assert hash(point) == hash(ours(1, "a", tags=(), note="ignored"))  # type: ignore[arg-type]
    assert hash(point) == hash((1, "a", 3, ()))
    assert hash(theirs(1, "a", tags=())) == hash(point)


def test_not_frozen_is_changeable_and_unhashable() -> None:
    _, ours = both(False)
    point = ours(1, "a")
    point.x = 7
    assert point.x == 7
    with pytest.raises(TypeError):
        hash(point)


def test_replace_pickle_and_own_methods() -> None:
    point = Kept(1, "a")
    assert records.replace(point, y="b") == Kept(1, "b")
    assert pickle.loads(pickle.dumps(point)) == point  # noqa: S301 (its own bytes)
    assert repr(point) == "kept"
    assert Kept.__hash__ is not None and hash(point) == 1


@records.dataclass(frozen=True)
class Kept:
    x: int
    y: str

    def __repr__(self) -> str:
        return "kept"

    def __hash__(self) -> int:
        return 1


def test_a_base_records_fields_come_first() -> None:
    @records.dataclass
    class Base:
        a: int
        b: int = 2

    @records.dataclass
    class Child(Base):
        c: int = 3
        a: int = 9

    assert [f.name for f in records.fields(Child)] == ["a", "b", "c"]
    assert repr(Child()) == "test_a_base_records_fields_come_first.<locals>.Child(a=9, b=2, c=3)"


def test_what_records_do_not_support_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default"):
        @records.dataclass
        class Bad:
            a: int = 1
            b: int

    with pytest.raises(TypeError, match="__post_init__"):
        @records.dataclass
        class Post:
            a: int

            def __post_init__(self) -> None: ...

    with pytest.raises(ValueError, match="both default and default_factory"):
        records.field(default=1, default_factory=list)


def test_no_record_module_of_lscp_imports_dataclasses() -> None:
    import re
    from pathlib import Path

    source = Path(records.__file__).parent.parent
    users = [str(path.relative_to(source)) for path in source.rglob("*.py")
             if re.search(r"^\s*(import dataclasses|from dataclasses import)",
                          path.read_text(encoding="utf-8"), re.MULTILINE)]
    assert users == [], "import records from lscp_cli.base.records (see its docstring)"
