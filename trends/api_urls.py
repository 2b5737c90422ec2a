from django.urls import path

from trends import api

urlpatterns = [
    path("trends/", api.TrendList.as_view(), name="trends"),
    path("trends/weeks/", api.TrendWeekList.as_view(), name="trend-weeks"),
]
