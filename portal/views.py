"""Portal shell: landing page, tenant picker, dashboard and the pages later features fill."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tenants.models import Membership


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_required
def tenant_picker(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("tenant"))
    if len(memberships) == 1 and memberships[0].tenant.is_active:
        return redirect("tenant:dashboard", tenant_slug=memberships[0].tenant.slug)
    return render(request, "portal/tenant_picker.html", {"memberships": memberships})


def dashboard(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    return render(request, "portal/dashboard.html")


def coming_soon(request: HttpRequest, tenant_slug: str, section: str, description: str) -> HttpResponse:
    return render(request, "portal/coming_soon.html", {"section": section, "description": description})
