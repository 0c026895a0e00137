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
        key, slash, rest = unquote(str(object_id)).partition("/")
        if slash:
            # A mistyped page of a record (…/applicant/1/nonexist-step/ reaches here as the
            # id "1/nonexist-step"): the record's own page, if the user may open it, says so.
            found = self.get_object(request, key) if key else None  # type: ignore[attr-defined]
            if found is not None:
                shown = rest.strip("/")[:LONGEST_QUOTED_ID]
                self.message_user(request, f"{opts.verbose_name}页面上没有「{shown}」这一项，已打开该{opts.verbose_name}。",  # type: ignore[attr-defined]
                                  messages.WARNING)
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[key],
                                                    current_app=self.admin_site.name))  # type: ignore[attr-defined]
            object_id = key
        self.message_user(request, not_found_message(opts, object_id), messages.WARNING)  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))  # type: ignore[attr-defined]
