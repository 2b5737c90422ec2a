"""Staff admin for users, tenants, memberships, invitations and API keys.

Tenant-owned models are listed across tenants, so their admins use the `.unscoped` manager on
purpose (staff-only path). API keys are never created here: the raw key would have to be shown
to staff; clients create them in the portal.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from tenants.models import ApiKey, Invitation, Membership, Role, Tenant, User

LAST_OWNER = "A workspace needs at least one owner: make someone else owner first."


class UnscopedAdmin(admin.ModelAdmin):
    """Admin of a tenant-owned model: staff see every tenant's rows."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.model.unscoped.select_related("tenant")
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Staff access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions"]


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if not self.instance.pk:
            return
        owners = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("role") == Role.OWNER
        ]
        if not owners:
            raise forms.ValidationError(LAST_OWNER)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "time_zone", "member_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "memberships__user__email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, tenant: Tenant) -> int:
        return tenant.member_count

    @admin.action(description="Suspend selected workspaces (members see a suspended page, API keys stop working)")
    def suspend(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Tenant.Status.SUSPENDED)
        self.message_user(request, f"{count} workspace(s) suspended.", messages.WARNING)

    @admin.action(description="Reactivate selected workspaces")
    def reactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Tenant.Status.ACTIVE)
        self.message_user(request, f"{count} workspace(s) reactivated.")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "tenant", "role"]

    def clean(self) -> dict:
        data = super().clean()
        before = self.instance
        if before.pk and before.role == Role.OWNER and data.get("role") != Role.OWNER:
            others = Membership.objects.filter(tenant_id=before.tenant_id, role=Role.OWNER).exclude(pk=before.pk)
            if not others.exists():
                raise forms.ValidationError(LAST_OWNER)
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant__status", "tenant"]
    search_fields = ["user__email", "user__full_name", "tenant__name", "tenant__slug"]
    autocomplete_fields = ["user", "tenant"]
    list_select_related = ["user", "tenant"]

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        if obj.role == Role.OWNER and not Membership.objects.filter(tenant=obj.tenant, role=Role.OWNER).exclude(
            pk=obj.pk
        ):
            self.message_user(request, LAST_OWNER, messages.ERROR)
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for membership in queryset.select_related("tenant"):
            self.delete_model(request, membership)


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdmin):
    list_display = ["email", "tenant", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["status", "role", "tenant"]
    search_fields = ["email", "tenant__name", "tenant__slug", "invited_by__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["tenant", "email", "invited_by", "created_at", "accepted_at", "accepted_by", "revoked_at"]
    fields = [
        "tenant",
        "email",
        "role",
        "status",
        "expires_at",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are sent from the portal, which checks seats and mails the signed link.
        return False

    @admin.action(description="Revoke selected pending invitations")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(status=Invitation.Status.PENDING).update(
            status=Invitation.Status.REVOKED, revoked_at=timezone.now()
        )
        self.message_user(request, f"{count} invitation(s) revoked.")


@admin.register(ApiKey)
class ApiKeyAdmin(UnscopedAdmin):
    list_display = ["name", "tenant", "masked", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "tenant"]
    search_fields = ["name", "prefix", "tenant__name", "tenant__slug", "created_by__email"]
    # key_hash is never displayed, not even read-only.
    fields = ["name", "tenant", "masked", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["tenant", "masked", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Key")
    def masked(self, api_key: ApiKey) -> str:
        return f"{api_key.prefix}…"

    @admin.action(description="Revoke selected keys (calls with them get 401 at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} key(s) revoked.")
