from django.urls import path

from billing.api import BillingView

urlpatterns = [
    path("billing/", BillingView.as_view(), name="billing"),
]
