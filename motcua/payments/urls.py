"""Online payment (interop.md §2): starting an order, the return page, the platform's callback."""

from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<str:code>/thanh-toan/", views.start, name="start"),
    path("ket-qua/<str:order_code>/", views.order_return, name="return"),
    path("thong-bao/", views.callback, name="callback"),
    path("doi-soat/", views.reconciliations, name="reconciliations"),
]
