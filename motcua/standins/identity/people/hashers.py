"""The stand-in's password hasher: PBKDF2 with few iterations, so that a test's many sign-ins stay fast.
Every seeded person has the same, published demo password: there is nothing to protect here."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 20_000
