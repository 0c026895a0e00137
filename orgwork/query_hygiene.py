"""Query-string parameters with NUL characters are dropped before any view sees them.

No parameter of the system means anything with a NUL (0x00) in it, and PostgreSQL
refuses one in any text it is handed: a view that filters by ``request.GET["unit"]``
would answer ``?unit=%00`` with a 500. One middleware drops such parameters for every
view, and says so on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


class DropNulParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", ""):
            kept = QueryDict(mutable=True)
            dropped = False
            for key, values in request.GET.lists():
                if NUL in key or any(NUL in value for value in values):
                    dropped = True
                else:
                    kept.setlist(key, values)
            if dropped:
                kept._mutable = False
                request.GET = kept
                messages.warning(request, "查询参数中含有不可见字符（NUL），已忽略这些参数。", fail_silently=True)
        return self.get_response(request)
