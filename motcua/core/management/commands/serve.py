"""motcua serve [--bind 127.0.0.1:8000] [--workers N]: the production web server.

Collects the static files into STATIC_ROOT (WhiteNoise serves them from there, compressed and cached), then
replaces this process with gunicorn running `motcua.wsgi:application` with N sync workers (default
2 × cores + 1). SIGTERM to the process stops it gracefully: workers finish the request in flight.

The settings refuse to load with the development secret key when MOTCUA_DEVELOPMENT=0, so a production
server cannot start without MOTCUA_SECRET_KEY.
"""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def worker_timeout() -> int:
    """Seconds a worker may spend on one request: gunicorn's usual 30, plus the time a leader who signs
    remotely has to confirm on his phone, since his sign request waits for it (MOTCUA_REMOTE_SIGNING_WAIT)."""
    from django.conf import settings

    return 30 + max(0, settings.MOTCUA_REMOTE_SIGNING_WAIT)


def gunicorn_argv(bind: str, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "motcua.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", "sync",
        # The application is loaded once in the master and forked: a new worker (a replacement after a
        # crash too) starts at once and shares Django's pages; the index itself is mapped from the
        # snapshot every worker shares (indicators/snapshot.py).
        "--preload",
        "--access-logfile", "-",
        "--graceful-timeout", "30",
        "--timeout", str(worker_timeout()),
    ]


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn, nhiều tiến trình) sau khi thu gom tệp tĩnh."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Địa chỉ:cổng (mặc định 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=None,
                            help="Số tiến trình xử lý (mặc định 2 × số lõi + 1)")

    def handle(self, *args, bind, workers, **options):
        workers = default_workers() if workers is None else workers
        if workers < 1:
            raise CommandError("--workers phải từ 1 trở lên.")
        call_command("collectstatic", interactive=False, verbosity=0)
        sys.stdout.flush()
        sys.stderr.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
        argv = gunicorn_argv(bind, workers)
        os.execv(argv[0], argv)
