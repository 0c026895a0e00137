"""A model's check constraints evaluated in Python (数据库检查约束的逐行校验).

The database refuses a row that breaks a ``CheckConstraint``. A form asks the database
first, one query a constraint (``Model.validate_constraints``). A sheet of a hundred
thousand rows cannot: it would pay a query a row, and then the commit would fail as a
whole on a row nobody named. So each constraint's condition is compiled once into a
Python predicate with SQL's three-valued logic: a comparison with NULL is unknown, and
a CHECK holds unless its condition is false. The import engine runs the predicates on
every row at validation, and a broken one is reported under the row with the
constraint's own message.

The lookups our constraints use are compiled: ``exact``, ``in``, ``isnull``, ``gt``,
``gte``, ``lt``, ``lte``, ``range``, with values or ``F()`` of the same row (or such an
``F()`` divided by a whole number, as SQL divides integers), under AND, OR and NOT. :func:`unsupported` names any other, and a test holds every
constraint of every model to that list, so that none goes unchecked unnoticed.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import CombinedExpression

Truth = bool | None  # None: unknown (NULL), which a CHECK lets pass
Predicate = Callable[[models.Model], Truth]

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}
SUPPORTED = frozenset({*_COMPARISONS, "in", "isnull", "range"})


class Unsupported(Exception):
    """A condition this module cannot evaluate in Python."""


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not getattr(field, "concrete", False) or getattr(field, "many_to_many", False):
        raise Unsupported(name)
    return field.attname  # type: ignore[union-attr]


def _split(model: type[models.Model], key: str) -> tuple[str, str]:
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if lookup not in SUPPORTED:
        raise Unsupported(key)
    return _attname(model, name), lookup


def _operand(model: type[models.Model], value: Any) -> Callable[[models.Model], Any]:
    if isinstance(value, F):
        attname = _attname(model, value.name)
        return lambda obj: getattr(obj, attname, None)
    if (isinstance(value, CombinedExpression) and value.connector == CombinedExpression.DIV
            and isinstance(value.lhs, F) and isinstance(value.rhs, Value) and type(value.rhs.value) is int
            and value.rhs.value > 0):
        # F("n") / 2 of an integer column: SQL's integer division, truncated toward zero
        # ("more than half": present > expected / 2). Text where a number belongs raises
        # TypeError, which leaves the comparison to its field's own check.
        read, divisor = _operand(model, value.lhs), value.rhs.value

        def divided(obj: models.Model) -> Any:
            number = read(obj)
            if number is None:
                return None
            if type(number) is not int:
                raise TypeError(number)
            return abs(number) // divisor * (1 if number >= 0 else -1)
        return divided
    if hasattr(value, "resolve_expression"):
        raise Unsupported(repr(value))
    return lambda obj: value


def _leaf(model: type[models.Model], key: str, value: Any) -> Predicate:
    attname, lookup = _split(model, key)
    if lookup == "isnull":
        wanted = bool(value)
        return lambda obj: (getattr(obj, attname, None) is None) == wanted
    if lookup == "in":
        choices = [_operand(model, v) for v in value]

        def within(obj: models.Model) -> Truth:
            mine = getattr(obj, attname, None)
            if mine is None:
                return None
            return any(mine == choice(obj) for choice in choices)
        return within
    if lookup == "range":
        low, high = (_operand(model, v) for v in value)

        def between(obj: models.Model) -> Truth:
            mine, a, b = getattr(obj, attname, None), low(obj), high(obj)
            if mine is None or a is None or b is None:
                return None
            return a <= mine <= b
        return between
    compare, other = _COMPARISONS[lookup], _operand(model, value)

    def compared(obj: models.Model) -> Truth:
        mine, theirs = getattr(obj, attname, None), other(obj)
        if mine is None or theirs is None:
            return None
        return compare(mine, theirs)
    return compared


def _combine(parts: list[Predicate], absorbing: bool) -> Predicate:
    """AND (``absorbing`` False: one false part makes it false) or OR (True), each with
    SQL's unknown: otherwise unknown if a part is, else the other truth value."""
    def combined(obj: models.Model) -> Truth:
        unknown = False
        for part in parts:
            truth = part(obj)
            if truth is absorbing:
                return absorbing
            unknown = unknown or truth is None
        return None if unknown else not absorbing
    return combined


def compile_condition(model: type[models.Model], condition: Q) -> Predicate:
    parts = [compile_condition(model, child) if isinstance(child, Q) else _leaf(model, *child)
             for child in condition.children]
    combined = _combine(parts, absorbing=condition.connector == Q.OR)
    if not condition.negated:
        return combined

    def negation(obj: models.Model) -> Truth:
        truth = combined(obj)
        return None if truth is None else not truth
    return negation


def _first_field(condition: Q) -> str:
    """The first field a condition reads (a constraint's message goes under it)."""
    for child in condition.children:
        name = _first_field(child) if isinstance(child, Q) else child[0].partition("__")[0]
        if name:
            return name
    return ""


def _fields_read(condition: Q) -> frozenset[str]:
    """Every field a condition reads, on either side of a comparison (F("joined_on"))."""
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _fields_read(child)
            continue
        names.add(child[0].partition("__")[0])
        value = child[1].lhs if isinstance(child[1], CombinedExpression) else child[1]
        if isinstance(value, models.F):
            names.add(value.name.partition("__")[0])
    return frozenset(names)


@functools.cache
def _compiled(model: type[models.Model]) -> tuple[
        tuple[tuple[models.CheckConstraint, Predicate, str, frozenset[str]], ...], tuple[str, ...]]:
    """The model's check constraints compiled, as (constraint, predicate, the field its
    message goes under, the fields it reads), and the names of those that cannot be."""
    compiled, missing = [], []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        try:
            compiled.append((constraint, compile_condition(model, constraint.condition),
                             _first_field(constraint.condition), _fields_read(constraint.condition)))
        except Unsupported:
            missing.append(constraint.name)  # left to the database; a test forbids it
    return tuple(compiled), tuple(missing)


def unsupported(model: type[models.Model]) -> list[str]:
    """The model's check constraints that cannot be evaluated here, by name."""
    return list(_compiled(model)[1])


def broken(instance: models.Model, refused: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(field name, message) for each check constraint the unsaved ``instance`` breaks.
    A value of the wrong type (text where a date belongs) makes a comparison unknown:
    its field's own check reports it. A constraint reading a field in ``refused`` (already
    refused by the model's own check, in its own words) is not asked, as Django's
    ``full_clean`` leaves it."""
    found = []
    refused = frozenset(refused)
    for constraint, predicate, field, reads in _compiled(type(instance))[0]:
        if refused & reads:
            continue
        try:
            holds = predicate(instance)
        except TypeError:
            continue
        if holds is False:
            found.append((field, str(constraint.get_violation_error_message())))
    return found
