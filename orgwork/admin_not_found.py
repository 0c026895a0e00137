"""What every admin says when a record's page cannot be opened.

A record outside the user's jurisdiction is, for that user, one that does not exist:
both get the same words, so the message does not reveal which it is. Records here are
never deleted, so the words do not suggest it (Django's stock message asks "可能已经被删除了？").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

# A typed id longer than any key is quoted only so far: it goes into the message cookie.
LONGEST_QUOTED_ID = 30


def not_found_message(opts: Any, object_id: Any) -> str:
    key = unquote(str(object_id))
    if len(key) > LONGEST_QUOTED_ID:
        key = key[:LONGEST_QUOTED_ID] + "…"
    return f"没有找到编号为 {key} 的{opts.verbose_name}，或者它不在您的管辖范围内。"


class RecordNotFoundMixin:
    """A ModelAdmin whose change, history and delete pages answer a missing or
    out-of-scope id with :func:`not_found_message`, back on the workbench."""

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponseRedirect:
        self.message_user(request, not_found_message(opts, object_id), messages.WARNING)  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))  # type: ignore[attr-defined]
