from django.urls import path

from curation import views

urlpatterns = [
    # Public: signed click-redirect links in newsletters and banners.
    path("r/<str:token>/", views.click_redirect, name="click-redirect"),
]
