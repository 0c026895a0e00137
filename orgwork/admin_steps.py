"""Workflow steps on a record's own page (记录页面上的办理按钮), and the record's timeline.

A step is declared once, as a :class:`RecordStep`: its button label, the permission the
service requires, the states in which it applies, its small form (a reason, a date,
evidence to upload) and the call of the domain service — the SAME service the list's
batch action calls, so every rule and the single audit row hold on this path too.

:class:`RecordStepsMixin` turns an admin's ``record_steps`` into unfold ``actions_detail``
buttons at the top of the change page (and, with ``changes_only_by_steps``, leaves out the
save buttons of a page on which nothing can be edited), and gives the list's batch actions
the same steps (:meth:`RecordStepsMixin.batch_step`). A button is shown only to a user who
holds the step's permission, and only while the record's state allows the step; its URL refuses
anyone else (403). The step's page shows the form; a refusal of the service comes back
on the form in Chinese, never as a 500.

:class:`RecordTimelineMixin` shows the record's audit history (in plain Chinese,
``orgwork.audit.presentation.readable_entries``) under its change form, together with
the history of the records that belong to it (a case's checks, a document's loans).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from unfold.enums import ActionVariant

from orgwork.admin_actions import action_with_form, confirm_label
from orgwork.admin_not_found import not_found_message
from orgwork.audit.models import AuditLog
from orgwork.audit.presentation import readable_entries


class _RolledBack(Exception):
    """Undoes a step's call made only to learn why it is refused."""


@dataclass(frozen=True)
class RecordStep:
    """One workflow step offered on a record's page.

    ``run(record, actor, data)`` calls the domain service with the form's cleaned data;
    ``applies(record)`` tells whether the record's state allows the step (the service
    still decides: a step shown on a stale page is refused by the service, on the form).
    """

    name: str  # the action's name; its URL is named admin:<app>_<model>_<name>
    label: str  # the button
    # "app_label.codename", the one the service requires; several when the step changes
    # records of several kinds (落实组织处置 writes the result and takes the member off the roll)
    permission: str | tuple[str, ...]
    applies: Callable[[Any], bool]
    run: Callable[[Any, Any, dict[str, Any]], Any]
    form: type[forms.Form] | None = None
    url_path: str = ""
    icon: str = "task_alt"
    verb: str = ""  # the step in a sentence ("已…", the page title); the label by default
    form_kwargs: Callable[[Any], dict[str, Any]] | None = None  # e.g. the checks of a case to choose from
    form_takes_user: bool = False  # the form gets ``user=`` to offer only choices in the user's units
    summary: Callable[[Any], str] | None = None  # the line above the form: what the step acts on
    # HTML between that line and the form, from the record and the form as it stands: what
    # the step will change (the members a yearly adjustment takes out, by the date chosen).
    details: Callable[[Any, forms.Form], str] | None = None
    # The form field under which a refusal about a record's field goes, where their names
    # differ: the service refuses its ``talked_on``, the form asks for a ``day``.
    refusal_fields: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # What the success sentence adds, from what ``run`` returned: what else the step did
    # (变更党籍状态 deleting unpaid dues), on the page and in the batch's result alike.
    done_note: Callable[[Any], str] | None = None

    @property
    def path(self) -> str:
        return self.url_path or self.name.removesuffix("_step").replace("_", "-")

    @property
    def words(self) -> str:
        return self.verb or self.label

    def note(self, result: Any) -> str:
        return self.done_note(result) if self.done_note else ""

    @property
    def submit_label(self) -> str:
        """The form's button (确认办理谈话; a step named 确认转出 reads just 确认转出)."""
        return confirm_label(self.words)


def apply_refusal(form: forms.Form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put the service's refusal on the form: under its field when the form has that field
    (by its own name, or the one ``fields`` gives for it), above the form otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = (fields or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class RefusalOnlyForm(forms.Form):
    """The confirmation page of a step without fields: it carries the service's refusal."""


class RecordStepsMixin:
    """Needs ``self`` to be an unfold ModelAdmin scoped to the user (``ScopedModelAdmin``)."""

    record_steps: tuple[RecordStep, ...] = ()
    step_template = "admin/orgwork/record_step.html"
    # A record that, once saved, changes only through its steps (every field read-only)
    # shows no save buttons on its page: they would save nothing.
    changes_only_by_steps = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [step.name for step in cls.record_steps]
        declared = [name for name in (getattr(cls, "actions_detail", None) or ()) if name not in names]
        cls.actions_detail = [*declared, *names]

    def _steps(self) -> dict[str, RecordStep]:
        return {step.name: step for step in self.record_steps}

    def step_allowed(self, request: HttpRequest, record: Any, step: RecordStep) -> bool:
        return record is not None and self.holds_step_right(request, step) and bool(step.applies(record))

    @staticmethod
    def holds_step_right(request: HttpRequest, step: RecordStep) -> bool:
        wanted = (step.permission,) if isinstance(step.permission, str) else step.permission
        return request.user.has_perms(wanted)

    def _get_instance_method(self, method_name: str) -> Callable[..., Any]:
        step = self._steps().get(method_name)
        if step is None:
            return super()._get_instance_method(method_name)  # type: ignore[misc]

        def view(request: HttpRequest, object_id: Any) -> HttpResponse:
            return self.take_step(request, object_id, step)

        view.__name__ = method_name
        view.short_description = step.label  # type: ignore[attr-defined]
        view.url_path = step.path  # type: ignore[attr-defined]
        view.icon = step.icon  # type: ignore[attr-defined]
        view.attrs = None  # type: ignore[attr-defined]
        view.variant = ActionVariant.DEFAULT  # type: ignore[attr-defined]
        view.dialog = None  # type: ignore[attr-defined]
        return view

    def get_actions_detail(self, request: HttpRequest, object_id: Any) -> list[Any]:
        actions = super().get_actions_detail(request, object_id)  # type: ignore[misc]
        steps = self._steps()
        if not steps or not object_id:
            return actions
        record = self.get_object(request, unquote(str(object_id)))  # type: ignore[attr-defined]  # scoped
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}_"  # type: ignore[attr-defined]
        shown = []
        for action in actions:
            step = steps.get(action.action_name.removeprefix(prefix))
            if step is None or self.step_allowed(request, record, step):
                shown.append(action)
        return shown

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.changes_only_by_steps:
            extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                             "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def batch_step(self, request: HttpRequest, queryset: models.QuerySet[Any], step_name: str, *, action: str,
                   title: str, **form_kwargs: Any) -> HttpResponse | None:
        """The list's batch action ``action`` that takes the step ``step_name`` on every
        selected record: the step's form asked once, its service call per record. The list
        and the record's page thus run one and the same call, where the page would offer
        it."""
        step = self._steps()[step_name]
        form_class = step.form or RefusalOnlyForm

        def run(record: Any, data: dict[str, Any]) -> Any:
            # The record's page offers a step only where it applies; the list asks the same.
            if not self.batch_step_allowed(request, record, step):
                raise ValidationError(self.batch_refusal(request, record, step, data))
            return step.run(record, request.user, data)

        return action_with_form(self, request, queryset, form_class=form_class,  # type: ignore[arg-type]
                                title=title, action=action, form_kwargs=form_kwargs, service=run,
                                note=step.note if step.done_note else None)

    def batch_step_allowed(self, request: HttpRequest, record: Any, step: RecordStep) -> bool:
        """Whether the list's batch runs ``step`` on ``record``: where the record's page would
        offer it (an admin may leave more to its service, which then says why it refuses)."""
        return self.step_allowed(request, record, step)

    @staticmethod
    def batch_refusal(request: HttpRequest, record: Any, step: RecordStep, data: dict[str, Any]) -> str:
        """Why a selected record is passed over: the step named once, and the service's
        own reason (the sentence its page would give), found by a call rolled back
        whatever it does."""
        reasons: list[str] = []
        try:
            with transaction.atomic():
                step.run(record, request.user, data)
                raise _RolledBack
        except ValidationError as error:
            reasons = [message.rstrip("。；") for message in error.messages]
        except _RolledBack:
            pass
        except (ObjectDoesNotExist, PermissionDenied, ValueError, TypeError, AttributeError):
            pass  # a service that trips over a record it was never meant for: refused without a reason
        return f"当前不能{step.words}" + (f"（{'；'.join(reasons)}）" if reasons else "") + "。"

    def record_page(self, record: Any) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])

    def step_back(self, request: HttpRequest, record: Any, step: RecordStep) -> tuple[str, str]:
        """Where the step's page leads back to, and the link's words: the record's page.
        An admin whose step reaches a record outside the user's jurisdiction (see
        ``step_record``) leads back to where the user came from instead."""
        return self.record_page(record), f"返回{self.model._meta.verbose_name}"  # type: ignore[attr-defined]

    def step_unavailable(self, record: Any, step: RecordStep) -> str:
        state = f"（当前状态：{record.get_status_display()}）" if hasattr(record, "get_status_display") else ""
        return f"「{record}」{state}当前不能办理「{step.label}」，未作任何更改。"

    def step_form_kwargs(self, request: HttpRequest, record: Any, step: RecordStep) -> dict[str, Any]:
        kwargs = step.form_kwargs(record) if step.form_kwargs else {}
        if step.form_takes_user:
            kwargs["user"] = request.user  # e.g. a replacement chosen among the user's own cadres
        return kwargs

    def step_record(self, request: HttpRequest, object_id: Any, step: RecordStep) -> Any:
        """The record a step's page acts on: the user's own, as the record's page finds it.
        An admin whose service takes a record from elsewhere for one step (the receiving
        side of a move) widens this for that step alone; the service still decides."""
        return self.get_object(request, unquote(str(object_id)))  # type: ignore[attr-defined]  # scoped

    def take_step(self, request: HttpRequest, object_id: Any, step: RecordStep) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        record = self.step_record(request, object_id, step)
        if record is None:
            raise Http404(not_found_message(opts, object_id))
        if not self.holds_step_right(request, step):
            raise PermissionDenied
        page = self.record_page(record)
        if not self.step_allowed(request, record, step):
            # A stale tab or a typed address: the record has moved on (or the step is the
            # other side's). Back to its page, which shows the steps that do apply.
            self.message_user(request, self.step_unavailable(record, step), messages.WARNING)  # type: ignore[attr-defined]
            return HttpResponseRedirect(page)
        form_class = step.form or RefusalOnlyForm
        kwargs = self.step_form_kwargs(request, record, step)
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, **kwargs)
            if form.is_valid():
                try:
                    result = step.run(record, request.user, form.cleaned_data)
                except ValidationError as error:
                    apply_refusal(form, error, step.refusal_fields)
                else:
                    note = step.note(result)
                    done = f"「{record}」已{step.words}" + (f"；{note}" if note else "") + "。"
                    self.message_user(request, done, messages.SUCCESS)  # type: ignore[attr-defined]
                    return HttpResponseRedirect(page)
        else:
            form = form_class(**kwargs)
        summary = step.summary(record) if step.summary else (
            f"{opts.verbose_name}「{record}」" + (f"（当前状态：{record.get_status_display()}）"
                                                  if hasattr(record, "get_status_display") else "")
            + f"将办理「{step.words}」。")
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": f"{step.words}：{record}",
            "subtitle": None,
            "opts": opts,
            "original": record,
            "record": record,
            "summary": summary,
            "details": step.details(record, form) if step.details else "",
            "form": form,
            "step": step,
            "back": self.step_back(request, record, step),
            "multipart": form.is_multipart(),
            "media": self.media + form.media,  # type: ignore[attr-defined]
        }
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        return TemplateResponse(request, self.step_template, context)


TIMELINE_LIMIT = 100


class RecordTimelineMixin:
    """The record's timeline (办理记录) under its change form: its audit rows and those of
    the records that belong to it (``timeline_records``), newest first, in plain Chinese."""

    change_form_outer_after_template = "admin/orgwork/record_timeline.html"
    timeline_limit = TIMELINE_LIMIT

    def timeline_records(self, record: Any) -> list[models.Model]:
        """The records whose history makes up this one's timeline (the record itself first)."""
        return [record]

    def timeline_name(self, obj: models.Model) -> str:
        """How a belonging record is named in the timeline (a name that does not change
        with its state reads best: its rows show the changes)."""
        return str(obj)

    def record_timeline(self, request: HttpRequest, record: Any) -> list[dict[str, Any]]:
        by_model: dict[type[models.Model], dict[str, models.Model]] = {}
        for obj in self.timeline_records(record):
            by_model.setdefault(type(obj), {})[str(obj.pk)] = obj
        rows: list[dict[str, Any]] = []
        for model, objects in by_model.items():
            entries = (
                AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                        object_id__in=list(objects))
                .select_related("actor").order_by("-at", "-id")[: self.timeline_limit]
            )
            for entry, changes in readable_entries(model, entries, request.user):
                obj = objects[entry.object_id]
                about = "" if obj is record else f"{model._meta.verbose_name}「{self.timeline_name(obj)}」"
                rows.append({"entry": entry, "changes": changes, "about": about})
        rows.sort(key=lambda row: (row["entry"].at, row["entry"].pk), reverse=True)
        return rows[: self.timeline_limit]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        record = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]  # scoped
        extra = dict(extra_context or {})
        if record is not None and self.has_view_or_change_permission(request, record):  # type: ignore[attr-defined]
            extra["record_timeline"] = self.record_timeline(request, record)
        return super().change_view(request, object_id, form_url, extra)  # type: ignore[misc]
