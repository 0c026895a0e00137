"""Every working account has a home unit (所属单位): the database holds it, the forms
ask for it in Chinese, and an account found without one gets empty lists, not errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from cadres.models import Cadre
from orgwork.accounts.models import User
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, units_visible_to


def test_the_database_refuses_an_enabled_working_account_without_a_unit(tree: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nowhere", is_staff=True)
    user = User.objects.create_user("somewhere", is_staff=True, unit=tree["county_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(unit=None)


def test_a_superuser_a_disabled_account_and_one_without_admin_access_may_lack_a_unit(db: Any) -> None:
    User.objects.create_superuser("root", password="Root#pass2026")
    User.objects.create_user("gone", is_staff=True, is_active=False)
    User.objects.create_user("outsider")
    assert User.objects.filter(unit__isnull=True).count() == 3


def test_the_model_asks_for_the_unit_in_chinese(db: Any) -> None:
    with pytest.raises(ValidationError) as error:
        User(username="nowhere", is_staff=True).full_clean(exclude=["password"])
    assert "每个工作人员账号都必须属于一个单位" in str(error.value.message_dict["unit"])


def test_lists_and_the_dashboard_answer_an_account_without_a_unit(county_a_clerk: User) -> None:
    """Should one slip through (a unit removed under an open session), it sees nothing
    and every page still answers."""
    county_a_clerk.unit = None
    assert scope_queryset(Cadre.objects.all(), county_a_clerk).count() == 0
    assert units_visible_to(county_a_clerk).count() == 0 and Unit.objects.exists()
    from django.contrib.messages.storage.fallback import FallbackStorage

    from orgwork.worklists import registry, views

    pages = [admin.site._registry[Cadre].changelist_view, admin.site._registry[Unit].changelist_view,
             admin.site.index, lambda r: views.index_view(admin.site, r)]
    pages += [lambda r, slug=w.slug: views.list_view(admin.site, r, slug) for w in registry.lists_for(county_a_clerk)]
    assert len(pages) > 6
    for page in pages:
        request = RequestFactory().get("/admin/")
        request.user = county_a_clerk
        request.session = {}
        request._messages = FallbackStorage(request)
        response = page(request)
        if hasattr(response, "render"):
            response.render()
        assert response.status_code == 200, page


def test_the_user_form_refuses_to_clear_the_unit_in_chinese(personas: dict[str, User], client_for: Any) -> None:
    from django.urls import reverse

    from .test_separation_of_duties import form_errors, post_data

    target = personas["county_b_clerk"]
    client = client_for(personas["system_admin"])
    url = reverse("admin:accounts_user_change", args=[target.pk])
    data = post_data(client.get(url).context["adminform"].form)
    data["unit"] = ""
    response = client.post(url, data)
    assert response.status_code == 200 and "每个工作人员账号都必须属于一个单位" in form_errors(response)
    target.refresh_from_db()
    assert target.unit is not None
