from __future__ import annotations

import itertools

from orgwork.accounts.models import User
from orgwork.imports.models import ImportJob
from orgwork.units.models import Unit

from . import sample_for

_seq = itertools.count(1)


@sample_for(ImportJob)
def import_job_sample(unit: Unit) -> ImportJob:
    uploader = User.objects.create_user(username=f"importer{next(_seq)}", unit=unit, is_staff=True)
    return ImportJob.objects.create(resource="units", original_name="单位.xlsx", checksum="0" * 64,
                                    uploader=uploader, unit=unit)
