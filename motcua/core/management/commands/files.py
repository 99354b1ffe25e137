"""motcua files orphans [--delete] [--older-than-hours N] | missing: stored files against the rows naming them.

`orphans` lists files under MEDIA_ROOT that no row names (left by a transaction that failed after writing
its file, motcua/core/storedfiles.py); `--delete` removes those older than the grace period. `missing` lists
rows' file names with no file behind them and exits 1 if there is any (it must never happen).
"""

import sys

from django.core.management.base import BaseCommand

from motcua.core import storedfiles


class Command(BaseCommand):
    help = "Tệp đã lưu: tệp mồ côi (không bản ghi nào trỏ tới) và bản ghi thiếu tệp."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        orphans = actions.add_parser("orphans", help="Liệt kê (và xóa) tệp không bản ghi nào trỏ tới")
        orphans.add_argument("--delete", action="store_true", help="Xóa các tệp mồ côi quá thời gian chờ")
        orphans.add_argument("--older-than-hours", type=float, default=24.0,
                             help="Chỉ tính tệp ghi cách đây ít nhất N giờ (mặc định 24)")
        actions.add_parser("missing", help="Liệt kê bản ghi trỏ tới tệp không còn (exit 1 nếu có)")

    def handle(self, *args, action, **options):
        if action == "missing":
            names = storedfiles.missing()
            for name in names:
                self.stdout.write(name)
            self.stdout.write(f"Bản ghi thiếu tệp: {len(names)}.")
            if names:
                sys.exit(1)
            return
        names = storedfiles.orphans(options["older_than_hours"] * 3600)
        for name in names:
            self.stdout.write(name)
        if options["delete"]:
            storedfiles.delete(names)
            self.stdout.write(f"Đã xóa {len(names)} tệp mồ côi.")
        else:
            self.stdout.write(f"Tệp mồ côi: {len(names)}.")
