"""The population the identity stand-in knows: one Person per account (user.username = identifier)."""

from django.conf import settings
from django.db import models


class Person(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    kind = models.CharField(max_length=10)  # person | business
    identifier = models.CharField(max_length=14, unique=True)  # id number or tax code
    subject = models.CharField(max_length=64, unique=True)
    data = models.JSONField()  # the record of population.population(), as generated

    def __str__(self):
        return f"{self.data.get('full_name')} ({self.identifier})"
