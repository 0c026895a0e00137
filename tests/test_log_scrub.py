"""The server logs keep no search typed and no whole ID number (``orgwork.log_scrub``): a
list's search by ID number (``?q=620102…``) was written whole into the development
server's log and gunicorn's access log, outside the rights that mask it on every page."""

from __future__ import annotations

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from orgwork.log_scrub import GunicornLogger, ScrubFilter, scrub

NUMBER = "620102197506010034"
SEARCHED = f"GET /admin/members/member/?q={NUMBER}&status__exact=active HTTP/1.1"


def test_a_search_and_an_id_number_leave_a_line_scrubbed() -> None:
    assert scrub(SEARCHED) == "GET /admin/members/member/?q=***&status__exact=active HTTP/1.1"
    assert scrub("/admin/autocomplete/?app_label=members&term=%E7%8E%8B&page=2") == (
        "/admin/autocomplete/?app_label=members&term=***&page=2")
    assert scrub(f"Not Found: /admin/cadres/cadre/{NUMBER}/change/") == (
        "Not Found: /admin/cadres/cadre/620102********0034/change/")


def test_other_parameters_and_shorter_or_longer_numbers_are_kept() -> None:
    kept = "GET /admin/members/member/?status=active&o=2&p=12345678901234567890 HTTP/1.1"
    assert scrub(kept) == kept


def test_the_development_servers_request_line_leaves_scrubbed() -> None:
    logger = logging.getLogger("django.server")
    [handler] = logger.handlers
    assert any(isinstance(f, ScrubFilter) for f in handler.filters)
    record = logger.makeRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', (SEARCHED, 200, 512), None)
    assert handler.filter(record)
    line = handler.format(record)
    assert NUMBER not in line and "q=***" in line and "200 512" in line


def test_every_other_record_leaves_scrubbed_through_the_console() -> None:
    [console] = [h for h in logging.getLogger().handlers if any(isinstance(f, ScrubFilter) for f in h.filters)]
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/x/{NUMBER}/",), None)
    assert console.filter(record) and NUMBER not in console.format(record)


def test_gunicorns_access_line_is_scrubbed_in_the_request_query_and_referer() -> None:
    settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"))
    config = Config()
    config.set("logger_class", settings["logger_class"])
    assert config.logger_class is GunicornLogger
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/admin/members/member/?q={NUMBER}", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/admin/members/member/", "QUERY_STRING": f"q={NUMBER}",
               "HTTP_REFERER": f"https://orgwork.example/admin/members/member/?q={NUMBER}"}
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = GunicornLogger(config).atoms(response, request, environ, datetime.timedelta(milliseconds=20))
    line = config.access_log_format % atoms
    assert NUMBER not in line and "q=***" in line
    assert all(NUMBER not in str(value) for value in atoms.values())
