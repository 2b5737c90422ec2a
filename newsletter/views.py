"""Public pages (landing, sign-up, confirmation, preferences, unsubscribe) and the portal page.

Sign-up answers the same way for new, pending, active, unsubscribed and rate-limited addresses,
so the form cannot be used to find out who is on the list.
"""

from __future__ import annotations

import logging
import smtplib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from newsletter.forms import HONEYPOT, DemoRequestForm, PreferencesForm, SubscribeMeForm
from newsletter.models import Interest, NewsletterIssue, Subscriber
from newsletter.services import guards, subscribers
from newsletter.services.content import auto_subject, build_content, render_issue
from newsletter.services.sending import latest_published_week
from newsletter.services.tokens import InvalidToken, make_subscriber_token
from tenants.models import Membership
from trendsaas.ratelimit import client_ip

log = logging.getLogger(__name__)
MAIL_DOWN = "We couldn't send the confirmation mail just now. Please try again in a few minutes."


def _landing_sample() -> dict | None:
    week = latest_published_week()
    if week is None:
        return None
    issue = NewsletterIssue.objects.filter(week=week).first()
    content = issue.content if issue else build_content(week)
    sections = content["sections"].values()
    items = {i["name"]: i for s in sections for i in s["items"][:3]}
    keywords = {k["name"]: k for s in sections for k in s["keywords"][:4]}
    return {"label": content["label"], "items": list(items.values())[:6], "keywords": list(keywords.values())[:8]}


def _render_landing(request: HttpRequest, form: DemoRequestForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "sample": _landing_sample(), "honeypot": HONEYPOT}
    return render(request, "landing.html", context, status=status)


def landing(request: HttpRequest) -> HttpResponse:
    return _render_landing(request, DemoRequestForm())


@require_POST
def signup(request: HttpRequest) -> HttpResponse:
    form = DemoRequestForm(request.POST)
    if guards.ip_over_limit(client_ip(request)):
        form.is_valid()
        form.add_error(None, "Too many sign-ups from your network in the last hour. Please try again later.")
        return _render_landing(request, form, status=429)
    if request.POST.get(HONEYPOT):
        return redirect("newsletter:signup-done")  # look like success; do nothing
    if not form.is_valid():
        return _render_landing(request, form)
    data = form.cleaned_data
    if guards.address_over_limit(data["email"]):
        # Same answer as a real sign-up; the mailbox just gets no more mail for a while.
        return redirect("newsletter:signup-done")
    signup_data = subscribers.SignUp(
        name=data["name"],
        email=data["email"],
        company=data["company"],
        role=data["role"],
        interests=tuple(data["interests"]),
        consent=data["consent"],
        ip_address=client_ip(request) or None,
    )
    try:
        subscribers.request_demo(signup_data)
    except (smtplib.SMTPException, OSError):
        log.exception("Confirmation mail to a sign-up failed")
        form.add_error(None, MAIL_DOWN)
        return _render_landing(request, form, status=503)
    return redirect("newsletter:signup-done")


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/signup_done.html")


def _invalid(request: HttpRequest, error: InvalidToken) -> HttpResponse:
    return render(request, "newsletter/link_invalid.html", {"error": error}, status=410 if error.expired else 400)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that prefetch links must not confirm anyone.
    try:
        payload = subscribers.check_confirmation(token)
        if request.method == "GET":
            return render(request, "newsletter/confirm.html", {"email": payload["e"], "subscribe": payload["c"]})
        result = subscribers.confirm(token)
    except InvalidToken as error:
        return _invalid(request, error)
    context = {"subscriber": result.subscriber, "demo_request": result.demo_request}
    if result.subscriber:
        context["preferences_token"] = make_subscriber_token(result.subscriber.pk)
    return render(request, "newsletter/confirmed.html", context)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscribers.subscriber_from_token(token)
    except InvalidToken as error:
        return _invalid(request, error)
    form = PreferencesForm(initial={"interests": list(subscriber.interests)})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "unsubscribe":
            subscribers.unsubscribe(subscriber)
            return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber, "token": token})
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscribers.update_interests(subscriber, tuple(form.cleaned_data["interests"]))
            if action == "resubscribe":
                subscribers.resubscribe(subscriber)
            messages.success(request, "Your preferences are saved; they apply from the next issue.")
            return redirect("newsletter:preferences", token=token)
    return render(request, "newsletter/preferences.html", {"subscriber": subscriber, "form": form, "token": token})


@csrf_exempt  # RFC 8058: mail providers POST here without any cookie or CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscribers.subscriber_from_token(token)
    except InvalidToken as error:
        return _invalid(request, error)
    if request.method == "GET":
        # Link scanners GET every URL in a mail: only the POST below unsubscribes.
        return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token})
    subscribers.unsubscribe(subscriber)
    return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber, "token": token})


# --- Portal ----------------------------------------------------------------------------------


def _portal_issue() -> NewsletterIssue | None:
    """The newest sent issue, else an unsaved preview of the latest published week."""
    issue = NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT).select_related("week").first()
    if issue is None and (week := latest_published_week()):
        issue = NewsletterIssue(week=week, content=build_content(week))
    return issue


def portal_newsletter(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    subscriber = Subscriber.objects.filter(email__iexact=request.user.email).first()
    team = []
    if request.membership.can_manage:
        members = Membership.objects.filter(tenant=request.tenant).select_related("user")
        emails = [m.user.email.lower() for m in members]
        statuses = dict(Subscriber.objects.filter(email__in=emails).values_list("email", "status"))
        team = [(m, statuses.get(m.user.email.lower(), "")) for m in members]
    issue = _portal_issue()
    context = {
        "issue": issue,
        "subject": (issue.subject or auto_subject(issue.content, ())) if issue else "",
        "subscriber": subscriber,
        "form": SubscribeMeForm(initial={"interests": list(subscriber.interests if subscriber else Interest.values)}),
        "team": team,
    }
    return render(request, "newsletter/portal.html", context)


@xframe_options_sameorigin
def portal_preview(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    issue = _portal_issue()
    if issue is None:
        return HttpResponse("No issue yet.", content_type="text/plain", status=404)
    html, _ = render_issue(issue, tuple(request.GET.getlist("interest"))).personalise("#", "#")
    return HttpResponse(html)


@require_POST
def portal_subscribe(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    form = SubscribeMeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick fashion, beauty or both.")
    elif guards.address_over_limit(request.user.email.lower()):
        messages.error(request, "We sent you a confirmation mail recently: please check your inbox.")
    else:
        try:
            subscribers.request_subscription(
                request.user.email.lower(), request.user.get_full_name(), tuple(form.cleaned_data["interests"])
            )
            messages.success(request, f"Check {request.user.email}: click the link in our mail to confirm.")
        except (smtplib.SMTPException, OSError):
            log.exception("Confirmation mail from the portal failed")
            messages.error(request, MAIL_DOWN)
    return redirect("tenant:newsletter", tenant_slug=tenant_slug)
