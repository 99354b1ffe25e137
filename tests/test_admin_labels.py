"""Every field the admin shows of the project's own models has a Vietnamese label (its verbose_name).

A field without one is labelled by Django from its name, in English ("user", "position"). The
second-factor devices are django-otp's models: their admin gives its labels itself
(tests/office/test_second_factor_admin.py).
"""

from django.contrib import admin


def test_the_admin_s_own_models_label_every_field_in_vietnamese():
    english = []
    for model in admin.site._registry:
        concrete = model._meta.concrete_model
        if not concrete.__module__.startswith("motcua."):
            continue
        for field in concrete._meta.get_fields():
            if not field.concrete or field.auto_created:
                continue
            if str(field.verbose_name) == field.name.replace("_", " "):
                english.append(f"{concrete._meta.label}.{field.name}")
    assert english == []
