"""Sets the current tenant for portal URLs (/app/<slug>/…) and clears it around every request."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.models import Membership
from tenants.scoping import reset_current_tenant, set_current_tenant

PORTAL_PATH = re.compile(r"^/app/(?P<slug>[-\w]+)/")


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Start every request with no tenant, whatever a previous request on this thread left.
        token = set_current_tenant(None)
        request.tenant = None
        request.membership = None
        try:
            match = PORTAL_PATH.match(request.path_info)
            if match:
                early = self._enter_tenant(request, match["slug"])
                if early is not None:
                    return early
            return self.get_response(request)
        finally:
            reset_current_tenant(token)

    def _enter_tenant(self, request: HttpRequest, slug: str) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = Membership.objects.select_related("tenant").filter(user=request.user, tenant__slug=slug).first()
        if membership is None:
            # 404, never 403: a non-member must not learn that the tenant exists.
            raise Http404("No such workspace.")
        request.membership = membership
        request.tenant = membership.tenant
        if not membership.tenant.is_active:
            return render(request, "portal/suspended.html", {"tenant": membership.tenant}, status=403)
        set_current_tenant(membership.tenant)
        return None
