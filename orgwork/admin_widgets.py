"""The admin's autocomplete widgets (自动补全), safe against a submitted value that is not
a key at all.

Django's ``AutocompleteSelect`` draws a form again with the chosen record looked up by
the value posted. A value the key column cannot hold (``abc`` for an integer id, a number
beyond its range) made that lookup raise, and the page answered 500 instead of the
field's own refusal (所选的值不在可选范围内). These widgets leave such values out of the lookup: the
field still refuses them, under itself. Every admin form takes them
(``orgwork.admin_base.ScopedFormFieldsMixin``); a step form names them itself.

A file field declared by hand on a form is drawn with the skin's file picker
(``skin_file_inputs``), as a model's file field is.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


def key_holds(field: Any, value: Any) -> bool:
    """Whether the key column ``field`` can hold the posted ``value``: it converts, and it
    is within the column's range (20 digits is no integer key). Autocomplete widgets and
    batch-action selections ask it before looking anything up."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


class KeyCheckedAutocompleteMixin:
    """``optgroups`` looks up only values the related key field accepts."""

    field: Any

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        held = [v for v in value if v in (None, "") or key_holds(target, v)]
        return super().optgroups(name, held, attr)  # type: ignore[misc]


class KeyCheckedAutocompleteSelect(KeyCheckedAutocompleteMixin, AutocompleteSelect):
    pass


class KeyCheckedAutocompleteSelectMultiple(KeyCheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def skin_file_input(field: forms.FileField) -> forms.FileField:
    """``field`` (a copy) drawn as the skin's file picker (选择要上传的文件 and its button)
    instead of the browser's own. A file field a form declares by hand gets Django's
    plain input, which the skin's script cannot find its file-name box in: it threw a
    TypeError on choosing a file. A field already given another widget is left as it is."""
    from unfold.widgets import UnfoldAdminFileFieldWidget

    if type(field.widget) not in (forms.ClearableFileInput, forms.FileInput):
        return field
    field = copy.deepcopy(field)
    widget = UnfoldAdminFileFieldWidget(attrs=field.widget.attrs)
    widget.is_required = field.required
    field.widget = widget
    return field


def skin_file_inputs(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """Every hand-declared file field of the form class as the skin's picker (in place)."""
    for name, field in list(form_class.base_fields.items()):
        if isinstance(field, forms.FileField):
            form_class.base_fields[name] = skin_file_input(field)
    return form_class
