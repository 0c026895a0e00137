from typing import Any

from django.contrib import admin
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """/favicon.ico, which a browser asks for on a page without an icon link (a JSON answer,
    a file opened in the browser): the site's icon, never a 404 in the console. Resolved per
    request, since the static file's stored name carries its hash."""

    permanent = False

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("orgwork/favicon.svg")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("favicon.ico", FaviconView.as_view()),
    path("admin/", admin.site.urls),
]
