"""How audit rows read on a page (历史、审计日志): personal data only ever masked."""

from __future__ import annotations

from typing import Any

from django import template

from orgwork.common import secrets

register = template.Library()


@register.filter
def shown(value: Any) -> Any:
    """A kept value as a page shows it: ``{"masked", "hmac"}`` as its masked form, any
    other text with its ID and mobile numbers masked (rows written before the trail
    kept them masked, notes)."""
    return secrets.shown_value(value)
