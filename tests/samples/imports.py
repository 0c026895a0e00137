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
    # A kind the business personas import: a job is seen only by those who may import its kind.
    return ImportJob.objects.create(resource="cadres", original_name="干部.xlsx", checksum="0" * 64,
                                    uploader=uploader, unit=unit)
