"""Online payment (interop.md §2): starting an order, the return page, the platform's callback."""

from django.urls import path

app_name = "payments"

urlpatterns = [
]
