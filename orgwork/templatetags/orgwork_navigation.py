"""``{% nav_sidebar %}``: the navigation sidebar (unfold's ``admin/nav_sidebar.html``),
rendered once per account, permission set and current entry and then reused.

The sidebar lists every page the account may open (:mod:`orgwork.navigation`) and marks
the one the request is on; rendering it costs a tenth of a changelist. Its output
depends on the app list (keyed by :meth:`orgwork.admin_site.OrgworkAdminSite.get_app_list`,
which holds the account and its permissions), on which entries are marked current, on
the name the account shows, and on the CSRF token of its logout form. The token is the
one part that belongs to the request: the sidebar is rendered around a placeholder that
each page replaces with its own token.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from orgwork.admin_site import APP_LIST_ENTRIES, APP_LIST_SECONDS
from orgwork.common.caching import TimedCache

register = template.Library()

_rendered: TimedCache[SafeString] = TimedCache(APP_LIST_SECONDS, APP_LIST_ENTRIES * 4)
TOKEN_SLOT = "~orgwork-csrf-token~"


def _current(navigation: list[dict[str, Any]]) -> tuple[str, ...]:
    """The sidebar entries marked as current."""
    return tuple(str(item.get("link")) for group in navigation for item in group.get("items", ())
                 if item.get("active"))


@register.simple_tag(takes_context=True)
def nav_sidebar(context: Any) -> SafeString:
    sidebar = context.template.engine.get_template("admin/nav_sidebar.html")
    request = context.get("request")
    site_key = getattr(request, "orgwork_app_list_key", None)
    navigation = context.get("sidebar_navigation")
    token = context.get("csrf_token")
    if site_key is None or navigation is None or token is None:
        return mark_safe(sidebar.render(context))
    user = request.user
    key = (site_key, _current(navigation), user.get_full_name(), user.email, user.has_usable_password())

    def render() -> SafeString:
        with context.push(csrf_token=TOKEN_SLOT):
            return mark_safe(sidebar.render(context))

    return mark_safe(_rendered.get_or_set(key, render).replace(TOKEN_SLOT, str(token)))
