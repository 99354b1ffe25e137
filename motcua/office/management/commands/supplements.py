"""motcua supplements expire [--now ISO] [--dry-run]

Run daily: ends every dossier whose supplement request went unanswered past its supplement period
(`motcua/office/supplements.py`), each in its own transaction, with the notice to the applicant. Running it
again ends nothing more. Exit 0; 3 when a dossier was changed meanwhile and is left for the next run.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from motcua.office import supplements

WORK_LEFT = 3


class Command(BaseCommand):
    help = "Dừng giải quyết các hồ sơ quá thời hạn bổ sung mà người nộp chưa bổ sung (chạy hằng ngày)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        expire = verbs.add_parser("expire", help="Dừng các hồ sơ đã quá thời hạn bổ sung")
        expire.add_argument("--now", help="Thời điểm xét, ISO 8601 có múi giờ (mặc định: bây giờ)")
        expire.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không thay đổi gì")

    def handle(self, verb, now=None, dry_run=False, **options):
        at = None
        if now:
            try:
                at = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now: không phải thời điểm ISO 8601: {now!r}") from None
            if at.tzinfo is None:
                raise CommandError("--now: thời điểm phải có múi giờ, ví dụ 2026-11-25T07:00:00+07:00")
        run = supplements.expire_due(at, dry_run=dry_run)
        verb_text = "Sẽ dừng" if dry_run else "Đã dừng"
        for item in run.expired:
            self.stdout.write(f"{verb_text} {item.code}: yêu cầu bổ sung {supplements.display(item.requested_at)}, "
                              f"hết hạn {supplements.display(item.expires_at)}")
        for item, reason in run.skipped:
            self.stderr.write(f"Bỏ qua {item.code} (vừa thay đổi, xét lại ở lần chạy sau): {reason}")
        self.stdout.write(f"{verb_text} {len(run.expired)} hồ sơ quá hạn bổ sung; bỏ qua {len(run.skipped)}.")
        if run.skipped:
            raise CommandError("Một số hồ sơ vừa thay đổi, chưa dừng.", returncode=WORK_LEFT)
