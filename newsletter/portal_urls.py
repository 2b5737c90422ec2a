from django.urls import path

from newsletter import views

urlpatterns = [
    path("", views.portal_newsletter, name="newsletter"),
    path("preview/", views.portal_preview, name="newsletter-preview"),
    path("subscribe/", views.portal_subscribe, name="newsletter-subscribe"),
]
