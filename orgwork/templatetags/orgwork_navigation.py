"""``{% nav_sidebar %}``: Django's navigation sidebar (``admin/nav_sidebar.html``),
rendered once per account, permission set and current section and then reused.

The sidebar lists every model the account may see and marks the one the page belongs
to; rendering it costs a tenth of a changelist. Its output depends on the app list
(keyed by :meth:`orgwork.admin_site.OrgworkAdminSite.get_app_list`) and on which of its
links the request's path contains, and on nothing else, so that is the cache key.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.utils.safestring import SafeString, mark_safe

from orgwork.admin_site import APP_LIST_ENTRIES, APP_LIST_SECONDS
from orgwork.common.caching import TimedCache

register = template.Library()

_rendered: TimedCache[SafeString] = TimedCache(APP_LIST_SECONDS, APP_LIST_ENTRIES * 4)


def _current(request: Any, apps: list[dict[str, Any]]) -> tuple[str, ...]:
    """The sidebar links the template marks as current (``url in request.path|urlencode``)."""
    path = quote(request.path, safe="/")
    links = [app.get("app_url") for app in apps] + [m.get("admin_url") for app in apps for m in app["models"]]
    return tuple(link for link in links if link and link in path)


@register.simple_tag(takes_context=True)
def nav_sidebar(context: Any) -> SafeString:
    sidebar = context.template.engine.get_template("admin/nav_sidebar.html")
    request = context.get("request")
    site_key = getattr(request, "orgwork_app_list_key", None)
    apps = context.get("available_apps")
    if site_key is None or apps is None:
        return mark_safe(sidebar.render(context))
    return _rendered.get_or_set((site_key, _current(request, apps)), lambda: mark_safe(sidebar.render(context)))
