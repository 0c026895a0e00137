"""A value that is not a key, posted into an autocomplete field, comes back as the
field's own error, never a 500: on every admin form with such a field, and on the step
forms that pick a record by typing."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db
NOT_KEYS = ("abc", "99999999999999999999", "-1.5")


def autocomplete_forms() -> list[tuple[str, list[str]]]:
    """(add page URL, its autocomplete fields) of every registered admin that has some."""
    found = []
    for model, model_admin in admin.site._registry.items():
        fields = list(model_admin.autocomplete_fields or ())
        if fields:
            found.append((reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"), fields))
    return sorted(found)


def test_there_are_autocomplete_forms_to_try() -> None:
    assert len(autocomplete_forms()) >= 10


@pytest.mark.parametrize("value", NOT_KEYS)
def test_no_admin_form_answers_500_to_a_value_that_is_not_a_key(tree, admin_client, value) -> None:
    shown = 0
    for url, fields in autocomplete_forms():
        response = admin_client.post(url, {name: value for name in fields})
        assert response.status_code != 500, url
        if response.status_code == 200 and response.context and "adminform" in response.context:
            errors = response.context["adminform"].form.errors
            assert all(name in errors for name in fields if name in response.context["adminform"].form.fields), url
            shown += 1
    assert shown >= 10  # the forms were drawn again, with their errors
