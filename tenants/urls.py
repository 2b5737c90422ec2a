"""Public tenants URLs (no tenant in the path), included by portal/urls.py."""

from django.urls import path

from tenants import views

urlpatterns = [
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
