from django.urls import path

from curation import api

urlpatterns = [
    path("collections/", api.CollectionList.as_view(), name="collections"),
    path("collections/<str:week>/", api.CollectionDetail.as_view(), name="collection"),
    path("collections/<str:week>/items/", api.CollectionItems.as_view(), name="collection-items"),
    path("collections/<str:week>/keywords/", api.CollectionKeywords.as_view(), name="collection-keywords"),
    path("collections/<str:week>/products/", api.CollectionProducts.as_view(), name="collection-products"),
    path("catalogue/products", api.CatalogueProducts.as_view(), name="catalogue-products"),
    path("events", api.Events.as_view(), name="events"),
]
