"""Root URLs: public site, portal (/app/<tenant>/…), REST API (/api/v1/…), admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from tenants.api_views import ApiNotFoundView

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("analysis.api_urls")),
    path("", include("trends.api_urls")),
    path("", include("curation.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("tenants.api_urls")),
    # Keep last: any other /api/v1/ path answers the JSON error shape with 404.
    re_path(r"^", ApiNotFoundView.as_view()),
]

# Pages inside one tenant's workspace; TenantMiddleware resolves <tenant_slug> before the view runs.
tenant_portal = [
    path("", include("portal.portal_urls")),
    path("trends/", include("trends.portal_urls")),
    path("", include("curation.portal_urls")),
    path("billing/", include("billing.portal_urls")),
    path("newsletter/", include("newsletter.portal_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("app/<slug:tenant_slug>/", include((tenant_portal, "tenant"))),
    path("", include("portal.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("billing/", include("billing.urls")),
    path("", include("curation.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

admin.site.site_header = "TrendSaaS staff"
admin.site.site_title = "TrendSaaS staff"
