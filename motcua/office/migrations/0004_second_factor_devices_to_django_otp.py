"""The administrators' authenticator secrets move from office.TotpDevice to django-otp's TOTPDevice.

The secret is the same key (base32 before, hex in django-otp), so the phones already enrolled keep
working; the last accepted time step moves too, so a code used before the move cannot be replayed after.
"""

import base64

from django.db import migrations

NAME = "Ứng dụng xác thực"


def _bytes_of(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def to_django_otp(apps, schema_editor):
    Old = apps.get_model("office", "TotpDevice")
    New = apps.get_model("otp_totp", "TOTPDevice")
    New.objects.bulk_create([
        New(user_id=old.user_id, name=NAME, confirmed=old.confirmed, key=_bytes_of(old.secret).hex(),
            step=30, t0=0, digits=6, tolerance=1, drift=0, last_t=old.last_step if old.last_step > 0 else -1)
        for old in Old.objects.all()])


def back_to_office(apps, schema_editor):
    Old = apps.get_model("office", "TotpDevice")
    New = apps.get_model("otp_totp", "TOTPDevice")
    seen = set()
    for new in New.objects.order_by("-confirmed", "pk"):
        if new.user_id in seen:  # the office kept one device per user: the confirmed one
            continue
        seen.add(new.user_id)
        Old.objects.create(user_id=new.user_id, confirmed=new.confirmed, last_step=max(new.last_t, 0),
                           secret=base64.b32encode(bytes.fromhex(new.key)).decode("ascii").rstrip("="))


class Migration(migrations.Migration):

    dependencies = [
        ("office", "0003_login_throttle_per_source"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(to_django_otp, back_to_office),
        migrations.DeleteModel(name="TotpDevice"),
    ]
