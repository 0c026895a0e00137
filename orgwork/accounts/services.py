"""Staff accounts (工作人员账号)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgwork.units.models import Unit

from .models import User
from .roles import ALL_ROLES


@transaction.atomic
def staff_create_or_update(*, username: str, unit_code: str, role: str, password: str | None = None) -> tuple[User, bool]:
    """Create or update a staff account with one role and one home unit."""
    if role not in ALL_ROLES:
        raise ValidationError({"role": f"角色「{role}」不存在，可选：{'、'.join(ALL_ROLES)}。"})
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ValidationError({"unit": f"单位代码「{unit_code}」不存在。"})
    group = Group.objects.filter(name=role).first()
    if group is None:
        raise ValidationError({"role": "角色尚未创建，请先运行 python manage.py setup_roles。"})
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    user.unit = unit
    user.is_staff = True
    user.is_active = True
    if password:
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    elif created:
        user.set_unusable_password()
    user.save()
    user.groups.set([group])
    return user, created
