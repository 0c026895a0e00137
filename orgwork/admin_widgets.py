"""The admin's autocomplete widgets (自动补全), safe against a submitted value that is not
a key at all.

Django's ``AutocompleteSelect`` draws a form again with the chosen record looked up by
the value posted. A value the key column cannot hold (``abc`` for an integer id, a number
beyond its range) made that lookup raise, and the page answered 500 instead of the
field's own 选择一个有效的选项. These widgets leave such values out of the lookup: the
field still refuses them, under itself. Every admin form takes them
(``orgwork.admin_base.ScopedFormFieldsMixin``); a step form names them itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class KeyCheckedAutocompleteMixin:
    """``optgroups`` looks up only values the related key field accepts."""

    field: Any

    def _holds(self, value: Any) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            target.clean(value, None)  # to_python, and the column's range validators
        except (ValidationError, TypeError, ValueError, OverflowError):
            return False
        return True

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        held = [v for v in value if v in (None, "") or self._holds(v)]
        return super().optgroups(name, held, attr)  # type: ignore[misc]


class KeyCheckedAutocompleteSelect(KeyCheckedAutocompleteMixin, AutocompleteSelect):
    pass


class KeyCheckedAutocompleteSelectMultiple(KeyCheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass
