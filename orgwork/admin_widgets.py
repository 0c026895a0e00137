"""The admin's autocomplete widgets (自动补全), safe against a submitted value that is not
a key at all.

Django's ``AutocompleteSelect`` draws a form again with the chosen record looked up by
the value posted. A value the key column cannot hold (``abc`` for an integer id, a number
beyond its range) made that lookup raise, and the page answered 500 instead of the
field's own refusal (所选的值不在可选范围内). These widgets leave such values out of the lookup: the
field still refuses them, under itself. Every admin form takes them
(``orgwork.admin_base.ScopedFormFieldsMixin``); a step form names them itself.
"""

from __future__ import annotations

from typing import Any

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
