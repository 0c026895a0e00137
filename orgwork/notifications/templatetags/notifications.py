from __future__ import annotations

from typing import Any

from django import template

from ..services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context: Any) -> dict[str, Any]:
    """The bell's figures for the signed-in account: its own unread messages only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(
            "notifications.view_notification"):
        return {"shown": False, "unread": 0}
    return {"shown": True, "unread": unread_count(user)}
