"""What the printed 干部任免审批表 shows, gathered in a fixed number of queries."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from django.utils import timezone

from orgwork.common import dates, idnumber

from .extensions import merge_resume
from .lrmx import assessments_text, rewards_text
from .models import Cadre


def appointment_form_context(cadre: Cadre, *, unmask: bool) -> dict[str, Any]:
    cadre = (
        Cadre.objects.select_related("unit")
        .prefetch_related("family", "rewards", "assessments")
        .get(pk=cadre.pk)
    )
    on = cadre.age_reckoned_on or timezone.localdate()
    photo = base64.b64encode(bytes(cadre.photo)).decode("ascii") if cadre.photo else ""
    return {
        "cadre": cadre,
        "age": cadre.age_on(on),
        "birth": dates.format_month(cadre.birth_month),
        "party_joined": dates.format_month(cadre.party_joined_on),
        "work_started": dates.format_month(cadre.work_started_on),
        "id_number": cadre.id_number if unmask else idnumber.mask(cadre.id_number),
        "photo_data_uri": f"data:image/jpeg;base64,{photo}" if photo else "",
        "resume_lines": merge_resume(
            [line for line in cadre.resume.replace("\r\n", "\n").split("\n") if line.strip()], cadre),
        "rewards": rewards_text(cadre),
        "assessments": assessments_text(cadre),
        "family": list(cadre.family.all()),
        "filled_on": cadre.form_filled_on,
    }
