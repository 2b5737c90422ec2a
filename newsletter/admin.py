"""Staff admin: demo requests for sales, subscribers, issues (preview, test send, schedule), deliveries."""

from __future__ import annotations

import smtplib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from newsletter.models import Delivery, DemoRequest, Interest, NewsletterIssue, Subscriber
from newsletter.services import sales, sending, subscribers
from newsletter.services.content import VARIANTS, auto_subject, render_issue


@admin.register(DemoRequest)
class DemoRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "company", "role", "interest_list", "consent", "confirmed", "request_count"]
    list_display += ["last_requested_at", "tenant"]
    list_filter = ["role", "consent", "fashion", "beauty", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_filter += [("tenant", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "company"]
    readonly_fields = ["email", "ip_address", "request_count", "created_at", "last_requested_at", "confirmed_at"]
    readonly_fields += ["tenant", "converted_at", "converted_by"]
    actions = ["convert_to_tenant"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the landing page only

    @admin.display(description="Interests")
    def interest_list(self, obj: DemoRequest) -> str:
        return ", ".join(obj.interests)

    @admin.display(description="Email confirmed", boolean=True)
    def confirmed(self, obj: DemoRequest) -> bool:
        return obj.confirmed_at is not None

    @admin.action(description="Convert to tenant with owner invited", permissions=["change"])
    def convert_to_tenant(self, request: HttpRequest, queryset: QuerySet) -> None:
        for demo in queryset:
            try:
                tenant, invitation = sales.convert_to_tenant(demo, request.user)
            except sales.ConversionError as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                self.message_user(
                    request,
                    f"Created a workspace for {demo.company}, but the invitation mail to {demo.email} failed "
                    f"({exc}). Resend it from the Invitations admin once mail works.",
                    messages.ERROR,
                )
                continue
            note = "" if demo.confirmed_at else " (their address was never confirmed: check it)"
            self.message_user(
                request,
                f"Created workspace “{tenant.name}” ({tenant.slug}) and invited {invitation.email} as owner{note}.",
            )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "fashion", "beauty", "source", "confirmed_at", "hard_bounces"]
    list_filter = ["status", "fashion", "beauty", "source"]
    search_fields = ["email", "name"]
    readonly_fields = ["created_at", "consent_at", "confirmed_at", "unsubscribed_at", "bounced_at", "hard_bounces"]
    actions = ["unsubscribe_selected"]

    @admin.action(description="Unsubscribe selected addresses", permissions=["change"])
    def unsubscribe_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = sum(subscribers.unsubscribe(s) for s in queryset)
        self.message_user(request, f"Unsubscribed {count} address(es).")


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["week", "subject_line", "status", "scheduled_for", "sent_at", "stats"]
    list_filter = ["status"]
    readonly_fields = ["week", "status", "created_at", "created_by", "scheduled_for", "sending_started_at"]
    readonly_fields += ["sent_at", "stats", "previews"]
    fields = ["week", "subject", "preheader", "previews", "status", "stats", "created_at", "created_by"]
    fields += ["scheduled_for", "sending_started_at", "sent_at"]
    actions = ["send_test_to_me", "schedule_now", "rebuild"]
    change_list_template = "admin/newsletter/newsletterissue/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issues are built from a published week (button on the list)

    def get_readonly_fields(self, request: HttpRequest, obj: NewsletterIssue | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.status != NewsletterIssue.Status.DRAFT:
            fields += ["subject", "preheader"]  # what went out stays what went out
        return fields

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("build-latest/", view(self.build_latest_view), name="newsletter_issue_build_latest"),
            path("<int:pk>/preview/", view(self.preview_view), name="newsletter_issue_preview"),
            path("<int:pk>/send-test/", view(self.send_test_view), name="newsletter_issue_send_test"),
        ] + super().get_urls()

    @admin.display(description="Subject")
    def subject_line(self, obj: NewsletterIssue) -> str:
        return obj.subject or auto_subject(obj.content, ())

    @admin.display(description="Deliveries")
    def stats(self, obj: NewsletterIssue) -> str:
        counts = sending.delivery_stats(obj)
        return ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "—"

    @admin.display(description="Preview")
    def previews(self, obj: NewsletterIssue) -> str:
        url = reverse("admin:newsletter_issue_preview", args=[obj.pk])
        links = [(f"{url}?interest={'&interest='.join(v)}", " + ".join(v)) for v in VARIANTS]
        links.append((f"{url}?format=text", "plain text"))
        test = reverse("admin:newsletter_issue_send_test", args=[obj.pk])
        return format_html(
            '{} · <a href="{}">Send a test to me</a>',
            format_html_join(" · ", '<a href="{}" target="_blank">{}</a>', links),
            test,
        )

    def _require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(self.has_view_permission(request))
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        rendered = render_issue(issue, tuple(request.GET.getlist("interest")))
        html, text = rendered.personalise("#preferences", "#unsubscribe")
        if request.GET.get("format") == "text":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return HttpResponse(html)

    def send_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require(self.has_view_permission(request))
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if request.method == "POST":
            interests = tuple(i for i in request.POST.getlist("interest") if i in Interest.values)
            try:
                sending.send_test(issue, request.user.email, interests or tuple(Interest.values))
            except (smtplib.SMTPException, OSError) as exc:
                self.message_user(request, f"The test mail could not be sent: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Test sent to {request.user.email}.")
            return redirect("admin:newsletter_newsletterissue_change", pk)
        context = {**self.admin_site.each_context(request), "issue": issue, "opts": self.model._meta}
        context["interests"] = Interest.choices
        context["title"] = f"Send a test of {issue.week.week} to {request.user.email}"
        return render(request, "admin/newsletter/newsletterissue/send_test.html", context)

    def build_latest_view(self, request: HttpRequest) -> HttpResponse:
        self._require(self.has_change_permission(request))
        if request.method != "POST":
            return redirect("admin:newsletter_newsletterissue_changelist")
        week = sending.latest_published_week()
        if week is None:
            self.message_user(request, "No published trend week yet: publish one first.", messages.WARNING)
            return redirect("admin:newsletter_newsletterissue_changelist")
        issue = sending.create_issue(week, created_by=request.user)
        self.message_user(request, f"Issue for {week.week} is ready: preview it and send a test before scheduling.")
        return redirect("admin:newsletter_newsletterissue_change", issue.pk)

    @admin.action(description="Send a test of the selected issues to me", permissions=["view"])
    def send_test_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        for issue in queryset:
            try:
                sending.send_test(issue, request.user.email, tuple(Interest.values))
            except (smtplib.SMTPException, OSError) as exc:
                self.message_user(request, f"Test of {issue.week} failed: {exc}", messages.ERROR)
                return
        self.message_user(request, f"Sent {queryset.count()} test mail(s) to {request.user.email}.")

    @admin.action(description="Send now to all active subscribers", permissions=["change"])
    def schedule_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        from newsletter.tasks import send_issue_batch

        for issue in queryset:
            if not sending.schedule_issue(issue, timezone.now()):
                self.message_user(request, f"{issue.week} is already {issue.status}.", messages.WARNING)
                continue
            transaction.on_commit(lambda pk=issue.pk: send_issue_batch.delay(pk))
            self.message_user(request, f"{issue.week} is scheduled; the worker is sending it now.")

    @admin.action(description="Rebuild drafts from their trend week", permissions=["change"])
    def rebuild(self, request: HttpRequest, queryset: QuerySet) -> None:
        for issue in queryset:
            try:
                sending.rebuild_issue(issue)
            except ValueError as exc:
                self.message_user(request, f"{issue.week}: {exc}", messages.WARNING)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "smtp_code", "sent_at", "last_error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue__week", "subscriber"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False  # the send log is evidence; only the sender writes it
