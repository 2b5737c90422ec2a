"""Role checks for portal views. Tenant membership itself is checked by TenantMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def _require(check: Callable[[HttpRequest], bool], message: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.membership is None or not check(request):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


manager_required = _require(lambda r: r.membership.can_manage, "Only owners and admins can do this.")
editor_required = _require(lambda r: r.membership.can_edit, "Viewers can look but not change anything.")
