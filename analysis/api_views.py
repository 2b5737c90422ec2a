"""POST /api/v1/ingest/posts — batch ingest for crawlers and partners, by a staff credential only.

Authenticated by the staff ingest service token (settings.INGEST_SERVICE_TOKEN, sent as
`Authorization: Bearer <token>`, compared in constant time) or a logged-in staff user's session.
Tenant API keys are never accepted: ingest writes the global world every tenant reads.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import authentication, exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.ingest import ingest
from analysis.services import dispatch_analysis, pending_work
from analysis.sources import RecordListSource
from trendsaas.api import error_body

MAX_BATCH = 1000
MAX_BODY_BYTES = 32 * 1024 * 1024


class IngestService:
    """The `request.user` of a service-token request: a system, not a person or a tenant."""

    is_authenticated = True
    is_anonymous = False
    is_staff = True
    pk = None

    def __str__(self) -> str:
        return "ingest service"


class IngestServiceAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[IngestService, str] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <ingest service token>'.")
        expected = settings.INGEST_SERVICE_TOKEN
        if not expected or not hmac.compare_digest(parts[1].encode(), expected.encode()):
            raise exceptions.AuthenticationFailed("This endpoint takes the staff ingest service token only.")
        return IngestService(), "ingest-service"

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsIngestService(permissions.BasePermission):
    message = "Ingest needs the staff ingest service token or a staff user."

    def has_permission(self, request: Request, view: object) -> bool:
        if request.auth == "ingest-service":
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active)


class IngestServiceScheme(OpenApiAuthenticationExtension):
    target_class = "analysis.api_views.IngestServiceAuthentication"
    name = "IngestServiceToken"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {"type": "http", "scheme": "bearer", "description": "Staff ingest service token (not a tenant key)."}


class IngestPostsView(APIView):
    authentication_classes = [IngestServiceAuthentication, authentication.SessionAuthentication]
    permission_classes = [IsIngestService]

    @extend_schema(
        operation_id="ingest_posts",
        summary="Ingest a batch of up to 1,000 posts (staff ingest service only)",
        description=(
            'Body: a JSON array of posts in the ingest format, or {"posts": [...]}. Each post is upserted by '
            "(platform, external_id); each call adds a metric snapshot. Media must be URLs; they are fetched "
            "by the analysis workers. The response lists a result per item, in order: created, updated or "
            "rejected with its reasons; media items that were refused are listed as media_problems."
        ),
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Result",
                value={
                    "created": 1,
                    "updated": 0,
                    "rejected": 1,
                    "media_failed": 0,
                    "results": [
                        {
                            "index": 0,
                            "status": "created",
                            "platform": "instagram",
                            "external_id": "C9x1",
                            "post_id": 42,
                            "errors": [],
                            "media": [{"position": 0, "type": "image", "status": "pending", "error": ""}],
                            "media_problems": [],
                        },
                        {
                            "index": 1,
                            "status": "rejected",
                            "platform": "instagram",
                            "external_id": "",
                            "post_id": None,
                            "errors": ["missing field 'external_id'"],
                            "media": [],
                            "media_problems": [],
                        },
                    ],
                },
                response_only=True,
            )
        ],
        tags=["ingest"],
    )
    def post(self, request: Request) -> Response:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return Response(
                error_body(
                    413, "too_large", f"The body is over {MAX_BODY_BYTES // 1_048_576} MB: send smaller batches."
                ),
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = request.data
        items = data.get("posts") if isinstance(data, dict) else data
        if not isinstance(items, list) or not items:
            raise exceptions.ValidationError({"posts": ['Send a non-empty JSON array of posts, or {"posts": [...]}.']})
        if len(items) > MAX_BATCH:
            return Response(
                error_body(
                    400, "batch_too_large", f"At most {MAX_BATCH:,} posts per request; this one has {len(items):,}."
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        report = ingest(RecordListSource(items), keep_all_results=True)
        dispatch_analysis(pending_work(report.post_ids_to_analyze))
        return Response(
            {
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected,
                "media_failed": report.media_failed,
                "results": [result.as_dict() for result in report.results],
            }
        )
