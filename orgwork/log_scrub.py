"""What the server logs may not keep (日志脱敏): a list's search and the autocomplete send
what the clerk typed in the address (``?q=620102…``, ``?term=王建国``), and every access
log line — Django's development server, gunicorn's access log in journald — would keep it,
for whoever reads the logs, outside the rights that mask an ID number on every page.

:func:`scrub` takes the values of the search parameters out of a line and masks any
whole ID number left in it (a path, a referring page, a message), as the lists mask one.
:class:`ScrubFilter` does it to every record of Django's logging (``settings.LOGGING``);
:class:`GunicornLogger` to gunicorn's access lines (``deploy/gunicorn.conf.py``).

Imports nothing from Django: gunicorn loads it with its configuration.
"""

from __future__ import annotations

import logging
import re
from typing import Any

try:  # gunicorn is the production server; the development server does without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is in requirements.txt
    _GunicornLogger = object  # type: ignore[assignment,misc]

# The parameters that carry typed text: a list's search (q), the autocomplete's (term),
# the site search's (s).
SEARCH_PARAMETERS = ("q", "term", "s")
_SEARCH = re.compile(r"(?<=[?&])(" + "|".join(SEARCH_PARAMETERS) + r")=[^&\s\"']*")
# Seventeen digits and a check character standing alone.
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
REMOVED = "***"


def scrub(text: str) -> str:
    """``text`` with the search parameters' values replaced by ``***`` and each whole ID
    number masked (620102********0034)."""
    if "=" in text:
        text = _SEARCH.sub(lambda m: f"{m.group(1)}={REMOVED}", text)
    return _ID_NUMBER.sub(r"\1********\2", text)


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs the record's message (its arguments put in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class GunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger with each access line's parts scrubbed: the request line (with its
    query), the query, the path and the referring page."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "q", "U", "f", "{referer}i", "{raw_uri}e", "{query_string}e", "{http_referer}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = scrub(atoms[key])
        return atoms
