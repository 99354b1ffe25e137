"""Vietnamese number formats: Django's, plus grouping by thousands (20.000 hồ sơ, 1.234.567 đồng)."""

from django.conf.locale.vi.formats import *  # noqa: F403 - extend Django's Vietnamese formats

NUMBER_GROUPING = 3
