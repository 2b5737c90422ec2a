from django.urls import path

from tenants.api_views import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
]
