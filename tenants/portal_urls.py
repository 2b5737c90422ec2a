"""Team and API-key pages, included by portal/portal_urls.py under /app/<tenant_slug>/."""

from django.urls import path

from tenants import views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite, name="team-invite"),
    path("team/members/<int:pk>/role/", views.change_role, name="team-change-role"),
    path("team/members/<int:pk>/remove/", views.remove_member, name="team-remove"),
    path("team/invitations/<int:pk>/resend/", views.resend_invitation, name="team-resend-invitation"),
    path("team/invitations/<int:pk>/revoke/", views.revoke_invitation, name="team-revoke-invitation"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<int:pk>/revoke/", views.revoke_api_key, name="api-key-revoke"),
]
