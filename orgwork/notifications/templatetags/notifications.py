from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from ..services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context: Any) -> dict[str, Any]:
    """The bell's figures for the signed-in account: its own unread messages only. Shown
    on the admin site that has the inbox (a page of another site leaves it out)."""
    hidden = {"shown": False, "unread": 0, "url": ""}
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(
            "notifications.view_notification"):
        return hidden
    try:
        url = reverse("admin:notifications_notification_changelist", current_app=getattr(request, "current_app", None))
    except NoReverseMatch:
        return hidden
    return {"shown": True, "unread": unread_count(user), "url": f"{url}?read=unread"}
