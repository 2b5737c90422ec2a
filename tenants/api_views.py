"""API endpoints of the tenants app."""

from __future__ import annotations

from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.models import Tenant


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ["name", "slug", "time_zone"]


class ApiKeyInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()


class MeSerializer(serializers.Serializer):
    tenant = TenantSerializer()
    api_key = ApiKeyInfoSerializer()


class MeView(APIView):
    """The workspace the calling API key belongs to: the quickest way to check a key works."""

    @extend_schema(responses=MeSerializer, summary="The calling key's workspace", tags=["account"])
    def get(self, request: Request) -> Response:
        api_key = request.auth
        return Response(MeSerializer({"tenant": api_key.tenant, "api_key": api_key}).data)


class ApiNotFoundView(APIView):
    """Last route under /api/v1/: unknown paths get the JSON error shape, not an HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    schema = None  # not an endpoint

    def _not_found(self, request: Request, *args, **kwargs) -> Response:
        message = "No API endpoint at this address."
        if not request.path.endswith("/"):
            try:
                resolve(request.path + "/")
            except Resolver404:
                pass
            else:
                message += f" Did you mean {request.path}/ (with a trailing slash)?"
        raise NotFound(message)

    get = post = put = patch = delete = head = options = _not_found
