"""The REST API frame shared by every app: pagination, throttling and one error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from tenants.scoping import TenantNotSetError


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Rate limit per API key (per client IP for unauthenticated calls)."""

    scope = "api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        api_key = getattr(request, "auth", None)
        ident = f"key-{api_key.pk}" if getattr(api_key, "pk", None) else f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def error_body(status_code: int, code: str, message: str, details: Any = None) -> dict:
    body: dict[str, Any] = {"error": {"status": status_code, "code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return body


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error, whatever raised it, answers {"error": {status, code, message[, details]}}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, TenantNotSetError):
        # A view reached tenant data without a tenant: refuse rather than leak.
        exc = exceptions.PermissionDenied("No tenant is set for this request.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        message, details = "The request is invalid.", detail
        code = "invalid"
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = code if isinstance(code, str) else "error"
        details = None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        details = {"retry_after_seconds": int(exc.wait)}
    response.data = error_body(response.status_code, code, message, details)
    return response


def not_found_json(request: Any, exception: Exception | None = None) -> Response:
    return Response(error_body(status.HTTP_404_NOT_FOUND, "not_found", "Not found."), status=404)
