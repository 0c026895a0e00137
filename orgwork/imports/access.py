"""Who may import or export what (导入/导出权限), and who may see and act on a job.

django-import-export lets every staff user import and export; orgwork requires the
explicit model permissions ``<app>.import_<model>`` and ``<app>.export_<model>``
(declared in each model's ``Meta.permissions``). Full personal data in an export or an
error workbook needs the right that ``orgwork.common.secrets`` declares for the model,
granted person by person.

An import job (导入任务) is seen and acted on only by a user who may import its kind,
within the jurisdiction (the job admin's scope): a 人才工作 clerk does not see a cadre
sheet's job, its error workbook or its buttons. Abandoning someone else's job needs
``imports.change_importjob`` (管理他人的导入任务), which no role carries.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from orgwork.common import secrets

from . import registry

ABANDON_OTHERS_PERMISSION = "imports.change_importjob"


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can_import(user: Any, resource_class: type[Any]) -> bool:
    return bool(user and user.is_active and user.is_staff
                and user.has_perm(permission_name(resource_class._meta.model, "import")))


def can_export(user: Any, model: type[models.Model]) -> bool:
    return bool(user and user.is_active and user.is_staff and user.has_perm(permission_name(model, "export")))


def can_unmask(user: Any, model: type[models.Model]) -> bool:
    """True when the model declares personal data and the user holds its right."""
    return secrets.may_unmask(user, model)


def importable_resources(user: Any) -> dict[str, type[Any]]:
    return {slug: r for slug, r in registry.all_resources().items() if can_import(user, r)}


def job_kind_visible(user: Any, job: Any) -> bool:
    """Whether the job's kind is one the user may import (scope is the admin's part)."""
    try:
        return can_import(user, registry.get(job.resource))
    except KeyError:
        return False


def can_abandon(user: Any, job: Any) -> bool:
    """放弃: the uploader, or whoever holds the explicit right; both must be able to
    import the job's kind."""
    if not job_kind_visible(user, job):
        return False
    return job.uploader_id == user.pk or user.has_perm(ABANDON_OTHERS_PERMISSION)


def governing_model(resource_class: type[Any]) -> type[models.Model] | None:
    """The model whose personal-data right governs a sheet's full values: the model it
    writes, or else the one its key column names (an assessments sheet names cadres
    by 身份证号)."""
    model = resource_class._meta.model
    if secrets.declaration(model) is not None:
        return model
    for field in resource_class().get_import_fields():
        widget = field.widget
        target = getattr(widget, "model", None)
        if target is not None and getattr(widget, "field", None) in secrets.sensitive_fields(target):
            return target
    return None


def may_unmask_job(user: Any, job: Any) -> bool:
    """Full values in a job's error workbook: the right that governs its sheet."""
    try:
        model = governing_model(registry.get(job.resource))
    except KeyError:
        return False
    return model is not None and can_unmask(user, model)
