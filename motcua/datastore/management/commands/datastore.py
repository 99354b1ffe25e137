"""motcua datastore run [--until-idle] [--max-seconds N] | datastore status [--json]

Sends the copies of signed results to the personal data store (docs/interop-datastore.md). Exit codes as
`motcua sync`: 0 on success, 2 on a usage or configuration error, 3 when work remains.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from motcua.datastore import store
from motcua.outbox import commands
from motcua.outbox.commands import USAGE
from motcua.outbox.models import Item, State


def status_counts() -> dict:
    return commands.status_counts(store.KIND)


def failures() -> list[dict]:
    """The copies the store refused, with its reason: sent again only when an operator retries them."""
    return [{"MaKetQua": item.key, "MaHoSo": item.group, "reason": item.last_error, "attempts": item.attempts}
            for item in Item.objects.filter(kind=store.KIND, state=State.FAILED).order_by("id")]


class Command(BaseCommand):
    help = "Gửi bản sao kết quả đã ký vào kho dữ liệu cá nhân của người có kết quả (interop.md §3)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        commands.add_run_parser(verbs, "Gửi các bản sao kết quả đang chờ")
        status = verbs.add_parser("status", help="Số bản sao chờ gửi, bị từ chối (kèm lý do), đã được xác nhận")
        status.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        if verb == "status":
            self.status(options["json"])
            return
        if not store.configured():
            raise CommandError("Chưa cấu hình MOTCUA_DATA_STORE_URL: không có nơi để gửi.", returncode=USAGE)
        self.run(options["until_idle"], options["max_seconds"])

    def status(self, as_json: bool):
        counts, failed = status_counts(), failures()
        if as_json:
            self.stdout.write(json.dumps({**counts, "failures": failed}, ensure_ascii=False))
            return
        self.stdout.write(f"Chờ gửi: {counts['waiting']}; bị từ chối: {counts['failed']}; "
                          f"đã được xác nhận: {counts['acknowledged']}")
        for failure in failed:
            self.stdout.write(f"{failure['MaKetQua']} (hồ sơ {failure['MaHoSo']}): {failure['reason']}")

    def run(self, until_idle: bool, max_seconds: float | None):
        commands.run_worker(self, [store.KIND], until_idle, max_seconds, other_side="Kho dữ liệu cá nhân",
                            items="bản sao kết quả")
