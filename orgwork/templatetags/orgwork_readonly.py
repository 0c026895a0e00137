"""``{% readonly_contents field as contents %}``: a read-only field of a record page as
Django works it out (``AdminReadonlyField.contents``), with every ID and mobile number in
its text masked for a user without the right to the model's personal data — a number a
clerk typed into a 欠缴原因 or a 备注 leaves masked, as the trail shows it — and a related
record the user may not open (a member since moved to another county, on the sending
county's transfer and ledger) named without the link, which would end on 没有找到."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import conditional_escape

from orgwork.common import secrets

register = template.Library()


@register.simple_tag(takes_context=True)
def readonly_contents(context: template.Context, field: Any) -> Any:
    contents = field.contents() if callable(field.contents) else field.contents
    request = context.get("request")
    model_admin = getattr(field, "model_admin", None)
    if request is not None and model_admin is not None and (related := _unopenable(field, request, model_admin)):
        contents = conditional_escape(str(related))
    if not isinstance(contents, str) or model_admin is None or request is None:
        return contents
    if secrets.may_unmask(request.user, model_admin.model):
        return contents
    return secrets.mask_text(contents)


def _unopenable(field: Any, request: Any, model_admin: Any) -> Any:
    """The record a read-only foreign key names, when its admin's list (the user's
    jurisdiction) does not hold it; None otherwise."""
    name = field.field.get("field") if isinstance(field.field, dict) else None
    instance = getattr(getattr(field, "form", None), "instance", None)
    if not isinstance(name, str) or instance is None:
        return None
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(model_field, models.ForeignKey) or getattr(instance, model_field.attname) is None:
        return None
    related_admin = model_admin.admin_site._registry.get(model_field.related_model)
    if related_admin is None:
        return None
    related = getattr(instance, name)
    if related_admin.has_view_or_change_permission(request) and (
            related_admin.get_queryset(request).filter(pk=related.pk).exists()):
        return None
    return related
