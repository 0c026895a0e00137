"""Accounts and roles in the admin (工作人员、角色), with 三员分立 on every form.

Each administrator sees editable only what its duty covers (``duties``); the rest is
shown read-only. A submitted value for a field the user may not change — a forged POST,
say — is not dropped: the form is refused with the reason and the attempt is audited.
Saving goes through ``services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.audit.context import current_actor
from orgwork.common import secrets

from . import duties, roles, services
from .models import UNIT_REQUIRED, User

SELF_PROTECTED_FIELDS = ("is_superuser", "is_staff", "is_active", "groups", "user_permissions", "unit")
ROLE_FIELDS = ("groups", "user_permissions")
# When an account last signed in, its password changed or it must change: what the
# system administrator keeps accounts by (a long-unused one is disabled), not a
# colleague's to read.
SIGN_IN_DATES = ("last_login", "date_joined", "password_changed_at", "password_must_change")
ALWAYS_READ_ONLY = list(SIGN_IN_DATES)


class PermissionsField(forms.ModelMultipleChoiceField):
    """The rights on an account or a role, each by its Chinese name (``roles.permission_display``).
    ``offered``: the rights the chooser lists (``rights_offered``); any right is still read
    from a submitted page, so that one never offered is refused by the role table's rule,
    with its reason and an audit row, not as an unknown choice."""

    def __init__(self, *args: Any, offered: Any = None, **kwargs: Any) -> None:
        self.offered = offered
        super().__init__(*args, **kwargs)

    def _get_choices(self) -> Any:
        choices = super()._get_choices()
        if getattr(self, "offered", None) is not None:
            choices.queryset = self.offered
        return choices

    choices = property(_get_choices, forms.ModelMultipleChoiceField.choices.fset)  # type: ignore[attr-defined]

    def label_from_instance(self, obj: Permission) -> str:
        return roles.permission_display(obj)


def rights_offered() -> Any:
    """The rights the chooser offers: those the role table can give (``roles.grantable_rights``;
    not, say, the task queue's own records), and any a role or an account holds already, so
    that saving a page never drops a right it did not show."""
    table = [p.pk for p in roles.permissions_named(roles.grantable_rights())]
    return (Permission.objects.filter(Q(pk__in=table) | Q(group__isnull=False) | Q(user__isnull=False))
            .distinct().select_related("content_type"))


# A rights field shown read-only is drawn by its twin below: Django would print each
# right's stored name, which for its own rights is English ("Can view 工作人员").
RIGHTS_SHOWN = {"permissions": "permissions_shown", "user_permissions": "user_permissions_shown"}


def rights_list(permissions: Any) -> SafeString | str:
    """Rights by their Chinese names, one a line, in the order of the app and the model."""
    names = sorted(roles.permission_display(p) for p in permissions.select_related("content_type"))
    return format_html_join(mark_safe("<br>"), "{}", ((name,) for name in names)) if names else "—"


class ChinesePermissionsMixin:
    """Offers rights by their Chinese names, in the order of the app and the model, and
    shows them so where they are read-only (a role its viewer holds, an account's rights
    on the system administrator's page)."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
            kwargs.setdefault("offered", rights_offered())
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    @admin.display(description=Group._meta.get_field("permissions").verbose_name)
    def permissions_shown(self, obj: Group) -> SafeString | str:
        return rights_list(obj.permissions)

    @admin.display(description=User._meta.get_field("user_permissions").verbose_name)
    def user_permissions_shown(self, obj: User) -> SafeString | str:
        return rights_list(obj.user_permissions)

    def rights_read_only(self, request: HttpRequest, obj: Any) -> set[str]:
        """The rights fields this request sees read-only: all on a page it may only view."""
        if obj is not None and not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return set(RIGHTS_SHOWN)
        return set(RIGHTS_SHOWN) & set(self.get_readonly_fields(request, obj))  # type: ignore[attr-defined]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        shown = self.rights_read_only(request, obj) if obj is not None else set()
        if not shown:
            return fieldsets
        return [(name, {**options, "fields": [RIGHTS_SHOWN[f] if f in shown else f for f in options["fields"]]})
                for name, options in fieldsets]


AUDIT_READER = "audit.view_auditlog"


class AuditTrailHistory:
    """变更记录 of an account or a role: its logins, roles and rights, which is audit
    trail and the 审计管理员's to read (三员分立; the audit log's pages) — not a business
    clerk's who picks a colleague in a form, nor the system or security administrator's
    whose own work it records. The link is not offered, and the page is refused, to
    anyone without the audit log's view right."""

    history_permission = AUDIT_READER

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        if not request.user.has_perm(self.history_permission):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> Any:
        if not request.user.has_perm(self.history_permission):
            extra_context = {**(extra_context or {}), "show_history": False}
        return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


def refused(request: HttpRequest, *, target: Any, message: str, attempted: dict[str, Any],
            url: str) -> HttpResponseRedirect:
    """A submitted change the user may not make (a page or button it was not offered):
    the reason shown on the page it returns to, and the attempt audited."""
    services.record_refusal(actor=request.user, target=target, message=message, attempted=attempted)
    messages.error(request, message)
    return HttpResponseRedirect(url)


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


class ForgedBulkDeleteRefused:
    """The account and role lists offer no bulk delete (``get_actions``); a submitted one
    is an attempt like a submitted delete page: refused with the reason of each chosen
    record, one unsuccessful 权限变更 row for each, nothing deleted. ``bulk_delete_refusal``
    gives a record's reason."""

    def bulk_delete_refusal(self, request: HttpRequest, obj: Any) -> str:
        raise NotImplementedError

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if (request.method == "POST" and request.POST.get("action") == "delete_selected"
                and "delete_selected" not in self.get_actions(request)):  # type: ignore[attr-defined]
            chosen = _ids(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
            targets = list(self.get_queryset(request).filter(pk__in=chosen))  # type: ignore[attr-defined]
            reasons = []
            for target in targets:
                reason = self.bulk_delete_refusal(request, target)
                services.record_refusal(actor=request.user, target=target, message=reason,
                                        attempted={"delete": str(target)})
                reasons.append(reason)
            if not targets:  # ids outside the list: the try is still the user's
                services.record_refusal(actor=request.user, target=None, message="批量删除的记录不在列表中。",
                                        attempted={"delete": sorted(chosen)})
            messages.error(request, reasons[0] if len(set(reasons)) == 1 else "不能批量删除："
                           + "；".join(dict.fromkeys(reasons)))
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


class AccountFormMixin:
    """The acting account is set on the form class by ``UserAdmin.get_form``."""

    actor: Any = None

    def forged_changes(self: Any) -> tuple[set[str], list[Group] | None, list[Permission] | None, User]:
        """The fields submitted although not on this user's form, whose value differs
        from the account's: what the submitter tried to change without the right."""
        instance: User = self.instance
        tried: set[str] = set()
        wanted = User(pk=instance.pk, unit_id=instance.unit_id, is_active=instance.is_active,
                      is_staff=instance.is_staff, is_superuser=instance.is_superuser, username=instance.username)
        groups = permissions = None
        for name in ("username", "first_name", "last_name", "email", "mobile"):
            if name not in self.fields and name in self.data and self.data[name] != getattr(instance, name):
                tried.add(name)
                setattr(wanted, name, self.data[name])
        if "unit" not in self.fields and "unit" in self.data and self.data["unit"] != str(instance.unit_id or ""):
            tried.add("unit")
            wanted.unit_id = int(self.data["unit"]) if str(self.data["unit"]).isdigit() else None
        for name in ("is_active", "is_staff", "is_superuser"):
            if name not in self.fields and name in self.data and not getattr(instance, name):
                tried.add(name)
                setattr(wanted, name, True)
        current_groups = set(instance.groups.values_list("pk", flat=True)) if instance.pk else set()
        if "groups" not in self.fields and "groups" in self.data and _ids(self.data.getlist("groups")) != current_groups:
            groups = list(Group.objects.filter(pk__in=_ids(self.data.getlist("groups"))))
        current_perms = set(instance.user_permissions.values_list("pk", flat=True)) if instance.pk else set()
        if ("user_permissions" not in self.fields and "user_permissions" in self.data
                and _ids(self.data.getlist("user_permissions")) != current_perms):
            permissions = list(Permission.objects.filter(pk__in=_ids(self.data.getlist("user_permissions"))))
        return tried, groups, permissions, wanted

    def refuse(self: Any, message: str, attempted: dict[str, Any]) -> None:
        services.record_refusal(actor=self.actor, target=self.instance, message=message, attempted=attempted)
        raise ValidationError(message, code="refused")

    def check_forged(self: Any) -> None:
        tried, groups, permissions, wanted = self.forged_changes()
        if groups is not None or permissions is not None:
            current = list(self.instance.groups.all()) if self.instance.pk else []
            message = duties.roles_refusal(self.actor, self.instance, groups if groups is not None else current,
                                           permissions) or "您不能在此修改角色和权限。"
            attempted: dict[str, Any] = {}
            if groups is not None:
                attempted["groups"] = services.group_names(groups)
            if permissions is not None:
                attempted["user_permissions"] = services.permission_labels(permissions)
            self.refuse(message, attempted)
        if tried:
            if self.instance.pk:
                message = duties.save_refusal(self.actor, self.instance, wanted, tried)
            else:
                message = duties.create_refusal(self.actor, wanted)
            self.refuse(message or f"您不能修改这些字段：{'、'.join(sorted(tried))}。", {"fields": sorted(tried)})


class AccountCreationForm(AccountFormMixin, UserCreationForm):
    """创建账号: username, name, home unit and an initial password, which its owner must
    change at the first login. Roles are the security administrator's to give."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "last_name", "first_name", "email", "unit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = UNIT_REQUIRED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_forged()
        self.instance.unit = cleaned.get("unit")
        if not (self.actor.is_superuser):
            self.instance.is_staff, self.instance.is_superuser = True, False
        message = duties.create_refusal(self.actor, self.instance)
        if message:
            self.refuse(message, {"create": cleaned.get("username"), "unit": getattr(cleaned.get("unit"), "pk", None)})
        return cleaned


class AccountChangeForm(AccountFormMixin, UserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].error_messages["required"] = UNIT_REQUIRED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_forged()
        if not self.errors and {"groups", "user_permissions"} & set(self.changed_data):
            groups = cleaned.get("groups") if "groups" in self.fields else self.instance.groups.all()
            permissions = cleaned.get("user_permissions") if "user_permissions" in self.fields else None
            message = duties.roles_refusal(self.actor, self.instance, list(groups), permissions)
            if message:
                attempted: dict[str, Any] = {"groups": services.group_names(groups)}
                if permissions is not None:
                    attempted["user_permissions"] = services.permission_labels(permissions)
                self.refuse(message, attempted)
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        # The model's rules for the saved fields (a home unit for a working account).
        basic = set(self.changed_data) & set(duties.BASIC_FIELDS + duties.SUPERUSER_FIELDS)
        if basic and not self.errors:
            before = User.objects.get(pk=self.instance.pk)
            message = duties.save_refusal(self.actor, before, self.instance, basic)
            if message:
                services.record_refusal(actor=self.actor, target=self.instance, message=message,
                                        attempted={"fields": sorted(basic)})
                self.add_error(None, message)


class PasswordResetForm(AdminPasswordChangeForm):
    """重置密码: the owner must change it at the next login. No "disable password" option."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)

    def save(self, commit: bool = True) -> Any:
        # The admin's view builds this form without the request; the request's account
        # is the one the audit context holds. Without one, nobody: never the operator.
        actor = current_actor().user
        if actor is None:
            raise PermissionDenied
        return services.account_reset_password(actor=actor, user=self.user, password=self.cleaned_data["password1"])


@admin.register(User)
class UserAdmin(ForgedBulkDeleteRefused, AuditTrailHistory, ChinesePermissionsMixin, ScopedModelAdmin,
                DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "unit", "is_active", "last_login"]
    list_filter = [UnitSubtreeFilter, "is_active", "groups"]
    list_select_related = ["unit"]
    search_fields = ["^username", "last_name", "first_name"]
    autocomplete_fields = ["unit"]
    form = AccountChangeForm
    add_form = AccountCreationForm
    change_password_form = PasswordResetForm
    change_form_before_template = "admin/accounts/reset_password_link.html"
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email", "mobile", "unit")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined", "password_changed_at", "password_must_change")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("username", "last_name", "first_name", "unit", "password1", "password2")}),)
    readonly_fields = ALWAYS_READ_ONLY

    @admin.display(description="手机号码")
    def masked_mobile(self, obj: User) -> str:
        return secrets.mask(obj.mobile, secrets.PHONE) or self.get_empty_value_display()

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if (request.method == "GET" and getattr(response, "status_code", None) == 200
                and secrets.may_unmask(request.user, User)):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and obj.mobile:
                secrets.record_full_view(user=request.user, instance=obj, purpose="工作人员账号页（手机号码）")
        return response

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj)) + ["masked_mobile"]
        user = request.user
        if obj is None:
            return fields
        if not user.is_superuser:
            fields += ["is_staff", "is_superuser"]
            if not user.has_perm("accounts.change_user"):
                fields += ["username", "last_name", "first_name", "email", "mobile", "unit", "is_active"]
            if not user.has_perm(roles.ASSIGN_ROLE):
                fields += list(ROLE_FIELDS)
        # Nobody grants themselves rights or moves themselves to a wider jurisdiction.
        if obj.pk == user.pk:
            fields += list(SELF_PROTECTED_FIELDS)
        fields += [RIGHTS_SHOWN[f] for f in ROLE_FIELDS if f in fields and f in RIGHTS_SHOWN]
        return list(dict.fromkeys(fields))

    def keeps_accounts(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser or request.user.has_perm("accounts.change_user"))

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)
        return shown if self.keeps_accounts(request) else [f for f in shown if f not in SIGN_IN_DATES]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.keeps_accounts(request):
            fieldsets = [(name, options) for name, options in fieldsets
                         if not set(options["fields"]) <= set(SIGN_IN_DATES)]
        if obj is not None and not secrets.may_unmask(request.user, User):
            # The mobile number is personal data: masked, and kept by who may see it whole.
            fieldsets = [(name, {**options, "fields": [("masked_mobile" if f == "mobile" else f)
                                                       for f in options["fields"]]})
                         for name, options in fieldsets]
        if obj is None or request.user.is_superuser or request.user.has_perm(roles.RESET_PASSWORD):
            return fieldsets
        # No password link for who may not reset one (the security administrator).
        return [(name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                for name, options in fieldsets]

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None) -> Any:
        # The reset is a page of its own; the skin's password widget shows no way there. No
        # link to a reset the page would refuse (another administrator's account, one's own).
        if obj is not None and not duties.password_reset_refusal(request.user, obj):
            context["reset_password_url"] = reverse("admin:auth_user_password_change", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The security administrator opens an account to give it roles, not to edit it.
        return super().has_change_permission(request, obj) or request.user.has_perm(roles.ASSIGN_ROLE)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            services.account_save(actor=request.user, user=obj)
        else:
            services.account_create(actor=request.user, user=obj, password=form.cleaned_data.get("password1"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        editable = [f for f in ROLE_FIELDS if f in form.fields]
        if editable and set(editable) & set(form.changed_data):
            groups = form.cleaned_data["groups"] if "groups" in form.fields else form.instance.groups.all()
            permissions = form.cleaned_data["user_permissions"] if "user_permissions" in form.fields else None
            services.account_set_roles(actor=request.user, user=form.instance, groups=groups, permissions=permissions)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        # Opening the page without the right is a plain 403; submitting it is an attempt.
        if request.method == "POST" and not self.has_add_permission(request) and self.has_view_permission(request):
            return refused(request, target=None, message=duties.create_refusal(request.user, User(is_staff=True)),
                           attempted={"create": request.POST.get("username", "")},
                           url=reverse("admin:accounts_user_changelist"))
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are disabled, never deleted (duties.delete_refusal); the bulk delete is
        # gone with every scoped admin's.
        return False

    def bulk_delete_refusal(self, request: HttpRequest, obj: Any) -> str:
        return duties.delete_refusal(obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        # Opening the page is a plain 403; submitting it is an attempt.
        target = self.get_object(request, unquote(object_id))
        if request.method == "POST" and target is not None and self.has_view_permission(request, target):
            return refused(request, target=target, message=duties.delete_refusal(target),
                           attempted={"delete": target.username},
                           url=reverse("admin:accounts_user_change", args=[target.pk]))
        return super().delete_view(request, object_id, extra_context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = self.get_object(request, unquote(id))
        if target is not None and self.has_view_permission(request, target):
            message = duties.password_reset_refusal(request.user, target)
            if message:
                if request.method == "POST":
                    services.record_refusal(actor=request.user, target=target, message=message,
                                            attempted={"password": "重置密码"})
                messages.error(request, message)
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[target.pk]))
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


class RoleForm(forms.ModelForm):
    actor: Any = None

    class Meta:
        model = Group
        fields = ("name", "permissions")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        group = self.instance
        message = duties.role_refusal(self.actor, group, cleaned.get("name", ""), cleaned.get("permissions", []))
        if message:
            services.record_refusal(actor=self.actor, target=group if group.pk else None, message=message,
                                    attempted={"role": cleaned.get("name", ""),
                                               "permissions": services.permission_labels(cleaned.get("permissions", []))})
            raise ValidationError(message, code="refused")
        return cleaned


@admin.register(Group)
class RoleAdmin(ForgedBulkDeleteRefused, AuditTrailHistory, ChinesePermissionsMixin, GroupAdmin):
    """角色. Nobody changes the rights of a role they hold themselves; every role stays
    within the role table (``orgwork.accounts.roles``), an administrator role is exactly
    its line, and the table's roles are never deleted."""

    form = RoleForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and request.user.groups.filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and duties.role_delete_refusal(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The stock bulk delete runs queryset.delete(): no rule per role, no audit row.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def bulk_delete_refusal(self, request: HttpRequest, obj: Any) -> str:
        return duties.role_delete_refusal(request.user, obj) or "角色不能批量删除：请在角色页面逐个删除。"

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        # Opening the page without the right is a plain 403; submitting it is an attempt.
        group = self.get_object(request, unquote(object_id))
        if (request.method == "POST" and group is not None and not self.has_delete_permission(request, group)
                and self.has_view_permission(request, group)):
            return refused(request, target=group,
                           message=duties.role_delete_refusal(request.user, group) or "您不能删除此角色。",
                           attempted={"delete": group.name}, url=reverse("admin:auth_group_change", args=[group.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        services.role_delete(actor=request.user, group=obj)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> Any:
        # Opening the page without the right shows it read-only (or 403); submitting it
        # is an attempt: refused with the reason, and audited.
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        group = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and group is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        allowed = self.has_change_permission(request, group) if group is not None else self.has_add_permission(request)
        if not allowed and self.has_view_permission(request, group):
            name = group.name if group is not None else request.POST.get("name", "")
            message = duties.role_refusal(request.user, group or Group(name=name), name,
                                          group.permissions.all() if group is not None else []) or "您不能修改此角色。"
            return refused(request, target=group, message=message,
                           attempted={"role": name, "permissions": request.POST.getlist("permissions")},
                           url=reverse("admin:auth_group_change", args=[group.pk]) if group is not None
                           else reverse("admin:auth_group_changelist"))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        # Saved with its rights in save_related, in one service call.
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        services.role_save(actor=request.user, group=form.instance, permissions=form.cleaned_data["permissions"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
