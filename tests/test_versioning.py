"""Optimistic locking: two people edit the same record from the same version; the second
save is refused with a conflict message, keeps its input on the form, and a deliberate
second submit after reading the message goes through."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from cadres.models import Cadre, Post, Rank
from cadres.services import post_appoint
from orgwork.common.contract import SystemActor

from .samples import load_all


def form_data(response: Any) -> dict[str, Any]:
    """What a browser would post back from a change page: every field as rendered,
    inline formsets included."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif hasattr(value, "pk"):
                data[bound.html_name] = str(value.pk)
            else:
                data[bound.html_name] = bound.field.widget.format_value(value) or str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_the_second_of_two_edits_from_one_version_is_refused_and_loses_nothing(
    tree: dict[str, Any], county_a_clerk: Any, city_officer: Any, client_for: Any
) -> None:
    cadre = load_all()[Cadre](tree["county_a"])
    # A serving cadre's page carries its current principal post (cadres.rules).
    post_appoint(post=Post(cadre=cadre, title="城关区某局科长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=datetime.date(2020, 3, 1)), actor=SystemActor("tests"))
    cadre.refresh_from_db()
    cadre_version = cadre.version
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    first, second = client_for(county_a_clerk), client_for(city_officer)
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    first_data["expertise"] = "城关区某局局长"
    assert first.post(url, first_data).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.expertise, cadre.version) == ("城关区某局局长", cadre_version + 1)

    second_data["expertise"] = "城关区某局副局长（兼）"
    response = second.post(url, second_data)
    assert response.status_code == 200
    assert "保存冲突" in response.content.decode()
    assert "城关区某局副局长（兼）" in response.content.decode()  # the input stays on the form
    cadre.refresh_from_db()
    assert cadre.expertise == "城关区某局局长"  # the first edit stands

    # Having read the message, the second person submits again on purpose.
    retry = form_data(response)
    assert retry["seen_version"] == str(cadre_version + 1)
    assert second.post(url, retry).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.expertise, cadre.version) == ("城关区某局副局长（兼）", cadre_version + 2)
