"""motcua demo [--dossiers N] [--seed S] [--no-serve] [--port 8000] [--reset]

Migrates, loads the reference, generates and imports demo dossiers (unless the database already has
some), creates the demo logins, prints what it did, then runs the development server on 127.0.0.1 with
the stand-ins of the national portal, the personal data store and the SMS provider, and their workers.
"""

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from motcua.applications.definitions import load_forms
from motcua.catalog.models import Procedure
from motcua.changes.tracking import record_replaced
from motcua.demo.accounts import create_demo_accounts
from motcua.demo.generator import generate, local_today
from motcua.demo.reference import load_reference
from motcua.dossiers.models import Dossier, DossierCodeSequence
from motcua.feedback.models import Feedback
from motcua.indicators.service import index_json
from motcua.interchange.importer import import_folder
from motcua.interchange.models import ImportBatch
from motcua.office.result_templates import load_templates
from motcua.plans.seeding import load_plan
from motcua.targets.seed import seed_demo_targets
from motcua.units.models import Unit


class Command(BaseCommand):
    help = "Dựng bản trình diễn: dữ liệu mẫu của tỉnh Thái Nguyên, tài khoản mẫu và máy chủ phát triển."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=200_000, help="Số hồ sơ mẫu (mặc định 200000)")
        parser.add_argument("--seed", type=int, default=766, help="Hạt giống ngẫu nhiên (mặc định 766)")
        parser.add_argument("--no-serve", action="store_true", help="Không chạy máy chủ sau khi nạp")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="Xóa hồ sơ và phản ánh hiện có rồi sinh lại")

    def handle(self, dossiers, seed, no_serve, port, reset, **options):
        if dossiers < 0:
            raise CommandError("--dossiers phải ≥ 0")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        load_reference()
        load_forms()  # the application forms of the procedures offered online (new versions only)
        load_templates()  # the result templates (after the forms: their answers are checked against them)
        load_plan()  # the Decision 1565 plan of seed 003 and its tasks (motcua/plans/data), idempotent
        if reset:
            flush_demo_records()
        if Dossier.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có hồ sơ: bỏ qua bước sinh dữ liệu (dùng --reset để sinh lại).")
        else:
            self._generate_and_import(dossiers, seed)
        accounts = create_demo_accounts()
        seed_demo_targets()  # campaign (seed 001) and plan (seed 003) targets, unit and officer ones (idempotent)
        self.stdout.write(
            f"Đơn vị: {Unit.objects.count()} · Thủ tục: {Procedure.objects.count()} · "
            f"Hồ sơ: {Dossier.objects.count()} · Phản ánh: {Feedback.objects.count()} · "
            f"Tài khoản mẫu: {len(accounts)}")
        self.stdout.write(f"Thời gian: {time.perf_counter() - started:.1f} s")
        if no_serve:
            return
        self.stdout.write(f"\nMở http://127.0.0.1:{port}/ — tài khoản mẫu (CHỈ DÙNG ĐỂ TRÌNH DIỄN):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<18} {account.password:<18} {account.role:<10} "
                              f"{account.full_name}")
        # Build the live index now, in this process, so the first visit to /chi-so/ does not wait for it.
        today = timezone.localdate()
        index_json(today - timedelta(days=6), today)
        with connected_systems(self.stdout, port=port):
            # The demo runs with DEBUG off, so let runserver serve the static files (admin CSS) itself.
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, insecure_serving=True)

    def _generate_and_import(self, dossiers: int, seed: int):
        from tqdm import tqdm

        folder = settings.VAR_DIR / "demo-data"
        step = time.perf_counter()
        with tqdm(total=dossiers, desc="Sinh hồ sơ", unit=" hồ sơ", file=sys.stderr, leave=False) as bar:
            counts = generate(folder, n=dossiers, seed=seed, end=local_today(), progress=bar.update)
        self.stdout.write(f"Sinh {counts['dossiers']} hồ sơ, {counts['feedback']} phản ánh vào {folder}: "
                          f"{time.perf_counter() - step:.1f} s")
        # A folder with the same digest imported before would be skipped as "already imported".
        ImportBatch.objects.filter(folder=str(folder)).delete()
        bars = []

        def progress_factory(total, desc):
            bar = tqdm(total=total, desc=desc, unit=" hồ sơ", file=sys.stderr, leave=False)
            bars.append(bar)
            return bar.update

        step = time.perf_counter()
        try:
            result = import_folder(folder, progress_factory=progress_factory)
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(f"Nhập {result.counts.get('dossiers', 0)} hồ sơ: {time.perf_counter() - step:.1f} s")


# The systems we do not own, for the demo: (stand-in module, URL setting, token setting, URL suffix, worker).
DEMO_SYSTEMS = (
    ("motcua.standins.portal", "MOTCUA_NATIONAL_PORTAL_URL", "MOTCUA_NATIONAL_PORTAL_TOKEN", "", "sync",
     "Cổng DVCQG"),
    ("motcua.standins.datastore", "MOTCUA_DATA_STORE_URL", "MOTCUA_DATA_STORE_TOKEN", "", "datastore",
     "Kho dữ liệu cá nhân"),
    ("motcua.standins.sms", "MOTCUA_SMS_URL", "MOTCUA_SMS_TOKEN", "/sms", "notify", "Nhà cung cấp SMS"),
)


@contextmanager
def connected_systems(out, port: int = 8000):
    """The national portal, the personal data store and the SMS provider for the demo: their stand-ins
    (unless a real one is configured) and one outbox worker each, so that a dossier received in the browser
    is acknowledged within seconds. Everything stops with the demo."""
    from motcua.standins.process import StandinProcess

    standins, workers = [], []
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    try:
        for module, url_setting, token_setting, suffix, _command, label in DEMO_SYSTEMS:
            if not getattr(settings, url_setting):
                name = module.rsplit(".", 1)[1]
                standin = StandinProcess(module=module, token=secrets.token_hex(16),
                                         state_file=settings.VAR_DIR / f"{name}-standin.json")
                standin.start()
                standins.append(standin)
                setattr(settings, url_setting, standin.url + suffix)
                setattr(settings, token_setting, standin.token)
                out.write(f"{label} (bản giả lập cho trình diễn): {standin.url}")
            env[url_setting], env[token_setting] = getattr(settings, url_setting), getattr(settings, token_setting)
        if not settings.MOTCUA_OIDC_ISSUER:
            standins.append(identity_standin(out, port))
        if not settings.MOTCUA_PAYMENT_URL:
            standins.append(payment_standin(out, port))
        if not settings.MOTCUA_REMOTE_SIGNING_URL:
            standins.append(remote_signing_standin(out))
        for *_rest, command, _label in DEMO_SYSTEMS:
            workers.append(subprocess.Popen([sys.executable, "-m", "motcua.cli", command, "run"], env=env))
            out.write(f"Tiến trình gửi đi: motcua {command} run (pid {workers[-1].pid})")
        yield
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        for standin in standins:
            standin.stop()


def payment_standin(out, port: int):
    """The payment platform's stand-in (docs/interop-payment.md) knowing motcua's merchant code and secret,
    calling back the demo server; the payment settings pointed at it."""
    from motcua.standins.process import StandinProcess

    if not settings.MOTCUA_PAYMENT_SECRET:
        settings.MOTCUA_PAYMENT_SECRET = secrets.token_hex(16)
    merchant = f"{settings.MOTCUA_PAYMENT_MERCHANT}={settings.MOTCUA_PAYMENT_SECRET}"
    standin = StandinProcess(module="motcua.standins.payment", token=secrets.token_hex(16),
                             state_file=settings.VAR_DIR / "payment-standin.json", extra_args=("--merchant", merchant))
    standin.start()
    settings.MOTCUA_PAYMENT_URL, settings.MOTCUA_PAYMENT_TOKEN = standin.url, standin.token
    settings.MOTCUA_PAYMENT_SITE_URL = settings.MOTCUA_PAYMENT_SITE_URL or f"http://127.0.0.1:{port}"
    out.write(f"Nền tảng thanh toán (bản giả lập cho trình diễn): {standin.url}")
    return standin


REMOTE_SIGNING_LEADER = "stc.lanhdao"  # the demo leader who signs through the remote-signing service
PHONE_DELAY = 5  # seconds after which the demo phone confirms by itself


def remote_signing_standin(out):
    """The remote-signing service's stand-in (docs/signing.md §3) with the leader of Sở Tài chính enrolled
    (his key at the stand-in, his certificate from the demo PKI) and the settings pointed at it. His
    "phone" confirms each request by itself after PHONE_DELAY seconds, or at once on the page printed."""
    import httpx

    from motcua.core.models import Membership
    from motcua.results import certificates, remote
    from motcua.standins.process import StandinProcess

    standin = StandinProcess(module="motcua.standins.remotesign", token=secrets.token_hex(16),
                             state_file=settings.VAR_DIR / "remotesign-standin.json")
    standin.start()
    settings.MOTCUA_REMOTE_SIGNING_URL, settings.MOTCUA_REMOTE_SIGNING_TOKEN = standin.url, standin.token
    membership = Membership.objects.filter(user__username=REMOTE_SIGNING_LEADER).select_related("unit").first()
    if membership is not None and REMOTE_SIGNING_LEADER not in settings.MOTCUA_SIGNING_TOKENS:
        remote.enrol_demo_signer(standin.url, REMOTE_SIGNING_LEADER, membership.full_name,
                                 certificates.default_pki_dir(), unit_name=membership.unit.name if membership.unit else "")
        httpx.post(f"{standin.url}/_standin/signers/{REMOTE_SIGNING_LEADER}/phone",
                   json={"answer": "confirm", "delay": PHONE_DELAY}, timeout=10).raise_for_status()
        settings.MOTCUA_REMOTE_SIGNERS = {**settings.MOTCUA_REMOTE_SIGNERS, REMOTE_SIGNING_LEADER: REMOTE_SIGNING_LEADER}
        out.write(f"Ký số từ xa (bản giả lập cho trình diễn): {standin.url} — {REMOTE_SIGNING_LEADER} ký số từ xa; "
                  f"điện thoại của ông/bà: {standin.url}/phone/{REMOTE_SIGNING_LEADER} (tự xác nhận sau "
                  f"{PHONE_DELAY} giây)")
    return standin


def identity_standin(out, port: int):
    """The identity provider's stand-in (docs/interop-identity.md) with motcua registered as its client, the
    settings pointed at it; its people and signing key kept in VAR_DIR across demos."""
    from motcua.standins.process import StandinProcess

    callback = "/dich-vu-cong/dang-nhap/ve/"
    secret = secrets.token_hex(16)
    standin = StandinProcess(module="motcua.standins.identity", token=secrets.token_hex(16),
                             state_file=settings.VAR_DIR / "identity-standin.sqlite3", startup_timeout=120,
                             extra_args=("--client-id", "motcua", "--client-secret", secret,
                                         "--redirect-uri", f"http://127.0.0.1:{port}{callback}",
                                         "--redirect-uri", f"http://localhost:{port}{callback}"))
    standin.start()
    settings.MOTCUA_OIDC_ISSUER = standin.url
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua"
    settings.MOTCUA_OIDC_CLIENT_SECRET = secret
    out.write(f"Định danh điện tử (bản giả lập cho trình diễn): {standin.url} — công dân mẫu: số định danh "
              f"019090000001 (Nguyễn Văn An), doanh nghiệp mẫu: mã số thuế 4601234567, "
              f"mật khẩu vneid-demo-2025, đăng nhập tại http://127.0.0.1:{port}/dich-vu-cong/dang-nhap/")
    return standin


@transaction.atomic
def flush_demo_records():
    """Delete every dossier and feedback item, with what hangs on them and their code sequences.

    Dossier rows are deleted by one query after their dependants, instead of Django's collector that
    would load every dossier into memory first.
    """
    Feedback.objects.all().delete()
    for relation in Dossier._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.on_delete is models.CASCADE:
            model.objects.all().delete()
        elif relation.on_delete is models.SET_NULL:
            model.objects.filter(**{f"{field.name}__isnull": False}).update(**{field.name: None})
    Dossier.objects.all()._raw_delete(Dossier.objects.db)
    DossierCodeSequence.objects.all().delete()
    ImportBatch.objects.filter(counts__dossiers__gt=0).delete()
    record_replaced()
