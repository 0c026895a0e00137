"""Model fields shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class AsciiKeyField(models.CharField):
    """A sort and search key of ASCII letters and digits (拼音检索键: ``zengguofan``,
    ``zgf``), stored in byte order on PostgreSQL (the ``C`` collation).

    In byte order one plain b-tree serves both ``ORDER BY`` and prefix search
    (``LIKE 'zeng%'``); under a language collation the prefix search needs a second
    index with the pattern operator class, which every insert pays for. For these keys
    byte order is alphabetical order. Other databases keep their own collation.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
