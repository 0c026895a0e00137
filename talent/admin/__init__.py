"""Talent work in the admin, one module per area of work."""

from . import cards, enrollments, liaison, programmes  # noqa: F401  (registers the admins)
