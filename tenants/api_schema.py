"""Describes API-key authentication in the OpenAPI schema (imported by TenantsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api_auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema) -> dict:  # noqa: ANN001 (drf-spectacular's signature)
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A workspace API key from the portal's API keys page: `Authorization: Bearer ts_…`.",
        }
