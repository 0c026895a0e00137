"""A step's address reached while the step does not apply to the record."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages


def assert_step_unavailable(client: Any, url: str, data: dict[str, Any] | None = None, *, post: bool = True) -> None:
    """The step's page, opened (or posted to) after the record moved on, sends the clerk
    back to the record's page with a warning that names the step, and changes nothing:
    the caller checks the record itself."""
    response = client.post(url, data or {}) if post else client.get(url)
    assert response.status_code == 302, response.status_code
    assert response["Location"].endswith("/change/"), response["Location"]
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("当前不能办理" in w and "未作任何更改" in w for w in warnings), warnings
