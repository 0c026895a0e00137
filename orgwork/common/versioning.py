"""Optimistic locking (并发编辑保护) for records that several people edit at once.

A ``Versioned`` model carries a ``version`` counter. The admin form sends the version it
was rendered with; when someone else saved in between, the second save is refused with
a conflict message and the user's input stays on the form. Services that change a
versioned row call :func:`bump_version` inside their transaction.
"""

from __future__ import annotations

from django.db import models


class Versioned(models.Model):
    version = models.PositiveIntegerField("版本号", default=1, editable=False)

    class Meta:
        abstract = True


def bump_version(instance: Versioned) -> list[str]:
    """Increase the version before a save; returns the field name for ``update_fields``."""
    instance.version = (instance.version or 0) + 1
    return ["version"]
