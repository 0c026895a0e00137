"""One sample-record builder per admin-registered model, for the scope matrix.

A module in this package decorates a function ``build(unit) -> instance`` with
``@sample_for(Model)``; the builder creates a record that belongs to ``unit``. The
matrix test fails for any registered admin whose model has no builder, so a new admin
cannot slip past the scope checks.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from django.db import models

BUILDERS: dict[type[models.Model], Callable[[Any], models.Model]] = {}


def sample_for(model: type[models.Model]) -> Callable[[Callable[[Any], models.Model]], Callable[[Any], models.Model]]:
    def register(func: Callable[[Any], models.Model]) -> Callable[[Any], models.Model]:
        BUILDERS[model] = func
        return func

    return register


def load_all() -> dict[type[models.Model], Callable[[Any], models.Model]]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return BUILDERS
