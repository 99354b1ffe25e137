"""Sign-in of citizens and organisations through the identity provider (OpenID Connect)."""

from django.urls import path

app_name = "citizens"

urlpatterns = [
]
