from django.urls import path

from trends import views

urlpatterns = [
    path("", views.trends_page, name="trends"),
]
