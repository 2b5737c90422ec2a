from django.urls import path

from curation import views

# The dashboard (tenant:dashboard) is wired in portal/portal_urls.py to curation.views.dashboard.
urlpatterns = [
    path("collections/", views.archive, name="archive"),
    path("collections/<str:week>/", views.collection_detail, name="collection"),
    path("collections/<str:week>/export.csv", views.export_csv, name="collection-export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("keywords/<int:pk>/", views.keyword_detail, name="keyword"),
    path("curation/", views.profile, name="curation"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("click-through/", views.ctr, name="ctr"),
]
