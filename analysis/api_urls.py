from django.urls import path

from analysis.api_views import IngestPostsView

urlpatterns = [
    path("ingest/posts", IngestPostsView.as_view(), name="ingest-posts"),
]
