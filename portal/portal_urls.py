from django.urls import include, path

from curation import views as curation_views
from portal import views

urlpatterns = [
    path("", curation_views.dashboard, name="dashboard"),
    path("soon/<slug:section>/", views.coming_soon, name="coming-soon"),
    path("", include("tenants.portal_urls")),
]
