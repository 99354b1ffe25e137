"""motcua backup OUT: one encrypted archive of the whole record and the uploaded files (docs/operations.md).

The key is read from MOTCUA_BACKUP_KEY (any long secret; keep it apart from the backups). Exit 0 written,
1 not written (no key, unwritable place).
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu và tệp đính kèm thành một tệp mã hóa (khóa: MOTCUA_BACKUP_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Tệp sao lưu sẽ ghi, ví dụ /srv/backup/motcua-2025-11-05.bak")

    def handle(self, *args, out, **options):
        try:
            written = backup(Path(out), os.environ.get("MOTCUA_BACKUP_KEY", ""))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        size = f"{Path(out).stat().st_size:,}".replace(",", ".")
        self.stdout.write(f"Đã sao lưu vào {out} ({written['files']} tệp đính kèm, {size} byte).")
