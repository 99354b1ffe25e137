"""motcua sync run [--until-idle] [--max-seconds N] | sync status --json | sync reconcile --from D --to D [--json]

interop.md §1 "Commands": exit 0 on success, 2 on a usage or configuration error, 3 when work remains.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.outbox import commands
from motcua.outbox.commands import USAGE, WORK_REMAINS
from motcua.sync import portal


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name}: ngày không hợp lệ {text!r} (YYYY-MM-DD)", returncode=USAGE) from None


def status_counts() -> dict:
    return commands.status_counts(portal.KIND)


class Command(BaseCommand):
    help = "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia (interop.md §1)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        commands.add_run_parser(verbs, "Gửi các phiên bản hồ sơ đang chờ")
        status = verbs.add_parser("status", help="Số phiên bản hồ sơ chờ gửi, bị từ chối, đã được xác nhận")
        status.add_argument("--json", action="store_true")
        reconcile = verbs.add_parser("reconcile", help="Đối soát với Cổng DVCQG")
        reconcile.add_argument("--from", dest="date_from", required=True)
        reconcile.add_argument("--to", dest="date_to", required=True)
        reconcile.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        if verb == "status":
            counts = status_counts()
            if options["json"]:
                self.stdout.write(json.dumps(counts))
            else:
                self.stdout.write(f"Chờ gửi: {counts['waiting']}; bị từ chối: {counts['failed']}; "
                                  f"đã được xác nhận: {counts['acknowledged']}")
            return
        if not portal.configured():
            raise CommandError("Chưa cấu hình MOTCUA_NATIONAL_PORTAL_URL: không có nơi để gửi.", returncode=USAGE)
        if verb == "run":
            self.run(options["until_idle"], options["max_seconds"])
        else:
            self.reconcile(_date(options["date_from"], "--from"), _date(options["date_to"], "--to"), options["json"])

    def run(self, until_idle: bool, max_seconds: float | None):
        commands.run_worker(self, [portal.KIND], until_idle, max_seconds, other_side="Cổng DVCQG",
                            items="phiên bản hồ sơ")

    def reconcile(self, date_from: date, date_to: date, as_json: bool):
        if date_from > date_to:
            raise CommandError("--from phải không sau --to.", returncode=USAGE)
        try:
            result = portal.reconcile(date_from, date_to)
        except portal.PortalError as exc:
            raise CommandError(str(exc), returncode=WORK_REMAINS) from None
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"Hồ sơ tại địa phương: {result['local']}; trên Cổng DVCQG: {result['at_portal']}")
        for key, title in (("missing_at_portal", "Chưa có trên Cổng"), ("behind_at_portal", "Cổng giữ phiên bản cũ"),
                           ("unknown_at_portal", "Cổng có, địa phương không có")):
            codes = result[key]
            self.stdout.write(f"{title} ({len(codes)}): {', '.join(codes) if codes else '—'}")
