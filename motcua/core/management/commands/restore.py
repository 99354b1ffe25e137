"""motcua restore IN: restore an archive written by `motcua backup` into an EMPTY database (and MEDIA_ROOT).

Refuses a database that holds any record (run `motcua migrate` on a new database first). The key is read
from MOTCUA_BACKUP_KEY; a wrong key or a changed archive stops before anything is written. Exit 0 restored,
1 not (the reason is printed).
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu vào cơ sở dữ liệu trống (khóa: MOTCUA_BACKUP_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="IN", help="Tệp sao lưu do lệnh motcua backup ghi")

    def handle(self, *args, source, **options):
        try:
            restored = restore(Path(source), os.environ.get("MOTCUA_BACKUP_KEY", ""))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã khôi phục từ {source} ({restored['files']} tệp đính kèm). "
                          "Kiểm tra: motcua audit verify.")
