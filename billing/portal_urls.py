from django.urls import path

from billing import views

urlpatterns = [
    path("", views.billing_page, name="billing"),
    path("checkout/", views.start_checkout, name="billing-checkout"),
    path("manage/", views.customer_portal, name="billing-portal"),
]
