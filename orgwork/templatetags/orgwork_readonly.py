"""``{% readonly_contents field as contents %}``: a read-only field of a record page as
Django works it out (``AdminReadonlyField.contents``), with every ID and mobile number in
its text masked for a user without the right to the model's personal data — a number a
clerk typed into a 欠缴原因 or a 备注 leaves masked, as the trail shows it."""

from __future__ import annotations

from typing import Any

from django import template

from orgwork.common import secrets

register = template.Library()


@register.simple_tag(takes_context=True)
def readonly_contents(context: template.Context, field: Any) -> Any:
    contents = field.contents() if callable(field.contents) else field.contents
    request = context.get("request")
    model_admin = getattr(field, "model_admin", None)
    if not isinstance(contents, str) or model_admin is None or request is None:
        return contents
    if secrets.may_unmask(request.user, model_admin.model):
        return contents
    return secrets.mask_text(contents)
