"""Portal shell: password reset, tenant picker and coming-soon pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from portal.navigation import SECTIONS, section_url
from tenants.models import Membership


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow; the mailed link is absolute from SITE_URL, not from the request's Host."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):  # noqa: ANN001, ANN201 (Django's signature)
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@login_required
def tenant_picker(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=request.user).select_related("tenant").order_by("tenant__name"))
    if len(memberships) == 1:
        # One workspace: straight in (a suspended one shows its suspended page there).
        return redirect("tenant:dashboard", tenant_slug=memberships[0].tenant.slug)
    return render(request, "portal/tenant_picker.html", {"memberships": memberships})


def coming_soon(request: HttpRequest, tenant_slug: str, section: str) -> HttpResponse:
    item = SECTIONS.get(section)
    if item is None:
        raise Http404("No such section.")
    href, built = section_url(item, tenant_slug)
    if built:
        return redirect(href)
    return render(request, "portal/coming_soon.html", {"section": item})
