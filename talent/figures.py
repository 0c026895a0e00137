"""Key figure of talent work on the dashboard: 人才在册."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from orgwork import dashboard

from .models import EnrollmentStatus
from .selectors import enrollments_visible_to


def on_roster(user: Any) -> tuple[int, str | None]:
    count = enrollments_visible_to(user).filter(status=EnrollmentStatus.ACTIVE).count()
    return count, reverse("admin:talent_enrollment_changelist") + f"?status__exact={EnrollmentStatus.ACTIVE}"


def register_figures() -> None:
    dashboard.register_figure(dashboard.Figure(
        slug="talent_on_roster", label="人才在册", permission="talent.view_enrollment", compute=on_roster, order=60))
