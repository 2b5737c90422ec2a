"""Staff side: issue preview in the browser, test sends, sending from the admin, demo-request conversion."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from newsletter import tasks
from newsletter.demo import DEMO_SUBSCRIBER, setup_demo
from newsletter.models import DemoRequest, NewsletterIssue, Subscriber
from newsletter.services import sending
from tenants.models import Invitation, Membership, User
from tests.newsletter.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for):
    user = User.objects.create_superuser("curator@trendsaas.test", "pw-curator-123")
    return client_for(user)


def test_curator_builds_and_previews_an_issue(staff, make_week):
    make_week("2026-W44")
    response = staff.post(reverse("admin:newsletter_issue_build_latest"))
    issue = NewsletterIssue.objects.get()
    assert response.status_code == 302 and issue.status == "draft" and issue.week.week == "2026-W44"

    preview = reverse("admin:newsletter_issue_preview", args=[issue.pk])
    beauty = staff.get(preview, {"interest": "beauty"}).content.decode()
    assert "Red lipstick" in beauty and "Black leather jacket" not in beauty
    both = staff.get(preview).content.decode()
    assert "Red lipstick" in both and "Black leather jacket" in both and "<script" not in both
    text = staff.get(preview, {"format": "text"})
    assert text["Content-Type"].startswith("text/plain") and "BEAUTY" in text.content.decode()
    change = staff.get(reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])).content.decode()
    assert preview in change and "Send a test to me" in change


def test_preview_is_staff_only(client_for, owner_a, make_week):
    issue = sending.create_issue(make_week())
    response = client_for(owner_a).get(reverse("admin:newsletter_issue_preview", args=[issue.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_send_test_to_me(staff, smtp, make_week, make_subscriber):
    make_subscriber("reader@shop.test")
    issue = sending.create_issue(make_week())
    url = reverse("admin:newsletter_issue_send_test", args=[issue.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"interest": ["fashion"]})
    assert response.status_code == 302
    [message] = smtp.to("curator@trendsaas.test")
    assert str(message["Subject"]).strip().startswith("[Test] TrendSaaS Weekly, Week 44")
    assert "Black leather jacket" in body(message, "html") and "Red lipstick" not in body(message, "html")
    issue.refresh_from_db()
    assert issue.status == "draft" and not issue.deliveries.exists()
    assert smtp.to("reader@shop.test") == []  # a test goes to the curator only


def test_curator_subject_overrides_the_automatic_one(staff, smtp, make_week, make_subscriber):
    make_subscriber("reader@shop.test")
    issue = sending.create_issue(make_week())
    issue.subject = "Leather is back: week 44"
    issue.save()
    sending.schedule_issue(issue)
    sending.send_issue(issue)
    assert str(smtp.to("reader@shop.test")[0]["Subject"]).strip() == "Leather is back: week 44"


def test_send_now_action_sends_to_subscribers(
    staff, smtp, make_week, make_subscriber, monkeypatch, django_capture_on_commit_callbacks
):
    make_subscriber("reader@shop.test")
    issue = sending.create_issue(make_week())
    monkeypatch.setattr(tasks.send_issue_batch, "delay", lambda issue_id: tasks.send_issue_batch(issue_id))
    changelist = reverse("admin:newsletter_newsletterissue_changelist")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff.post(changelist, {"action": "schedule_now", "_selected_action": [issue.pk]})
    assert response.status_code == 302 and len(callbacks) == 1  # the task is queued after the commit
    issue.refresh_from_db()
    assert issue.status == "sent" and len(smtp.to("reader@shop.test")) == 1
    # A second click is refused rather than sending again.
    staff.post(changelist, {"action": "schedule_now", "_selected_action": [issue.pk]})
    assert len(smtp.to("reader@shop.test")) == 1


def test_convert_demo_request_to_tenant_with_owner_invited(staff, smtp):
    demo = DemoRequest.objects.create(
        name="Mina Park", email="mina@seoulthreads.test", company="Seoul Threads", role="executive", fashion=True
    )
    changelist = reverse("admin:newsletter_demorequest_changelist")
    response = staff.post(changelist, {"action": "convert_to_tenant", "_selected_action": [demo.pk]})
    assert response.status_code == 302
    demo.refresh_from_db()
    tenant = demo.tenant
    assert tenant.name == "Seoul Threads" and tenant.slug == "seoul-threads"
    invitation = Invitation.unscoped.get(tenant=tenant)
    assert (invitation.email, invitation.role, invitation.status) == ("mina@seoulthreads.test", "owner", "pending")
    assert not Membership.objects.filter(tenant=tenant).exists()  # the owner joins by accepting
    [message] = smtp.to("mina@seoulthreads.test")
    assert "Seoul Threads" in message["Subject"]

    # Converting twice creates nothing more.
    staff.post(changelist, {"action": "convert_to_tenant", "_selected_action": [demo.pk]})
    assert Invitation.unscoped.filter(email="mina@seoulthreads.test").count() == 1
    assert len(smtp.to("mina@seoulthreads.test")) == 1


def test_second_company_with_the_same_name_gets_its_own_slug(staff, smtp):
    for n, email in enumerate(["a@one.test", "b@two.test"]):
        DemoRequest.objects.create(name=f"P{n}", email=email, company="Glow Co", role="marketing", beauty=True)
    staff.post(
        reverse("admin:newsletter_demorequest_changelist"),
        {"action": "convert_to_tenant", "_selected_action": list(DemoRequest.objects.values_list("pk", flat=True))},
    )
    assert sorted(DemoRequest.objects.values_list("tenant__slug", flat=True)) == ["glow-co", "glow-co-2"]


def test_staff_without_newsletter_permissions_cannot_preview_or_send(client_for, make_week):
    issue = sending.create_issue(make_week())
    clerk = client_for(User.objects.create_user("clerk@trendsaas.test", "pw-clerk-123", is_staff=True))
    assert clerk.get(reverse("admin:newsletter_issue_preview", args=[issue.pk])).status_code == 403
    assert clerk.post(reverse("admin:newsletter_issue_send_test", args=[issue.pk])).status_code == 403
    assert clerk.post(reverse("admin:newsletter_issue_build_latest")).status_code == 403


def test_demo_step_is_idempotent(make_week):
    make_week()
    for _ in range(2):
        setup_demo(io.StringIO())
    assert Subscriber.objects.get(email=DEMO_SUBSCRIBER).status == "active"
    assert NewsletterIssue.objects.count() == 1
