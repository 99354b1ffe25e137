"""motcua datastore run [--until-idle] [--max-seconds N] | datastore status [--json]

Sends the copies of signed results to the personal data store (docs/interop-datastore.md). Exit codes as
`motcua sync`: 0 on success, 2 on a usage or configuration error, 3 when work remains.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from motcua.datastore import store
from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker

USAGE, WORK_REMAINS = 2, 3


def status_counts() -> dict:
    counts = dict(Item.objects.filter(kind=store.KIND).values_list("state").annotate(n=Count("id")))
    return {"waiting": counts.get(State.WAITING, 0), "failed": counts.get(State.FAILED, 0),
            "acknowledged": counts.get(State.ACKNOWLEDGED, 0)}


def failures() -> list[dict]:
    """The copies the store refused, with its reason: sent again only when an operator retries them."""
    return [{"MaKetQua": item.key, "MaHoSo": item.group, "reason": item.last_error, "attempts": item.attempts}
            for item in Item.objects.filter(kind=store.KIND, state=State.FAILED).order_by("id")]


class Command(BaseCommand):
    help = "Gửi bản sao kết quả đã ký vào kho dữ liệu cá nhân của người có kết quả (interop.md §3)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser("run", help="Gửi các bản sao kết quả đang chờ")
        run.add_argument("--until-idle", action="store_true", help="Dừng khi không còn gì chờ gửi")
        run.add_argument("--max-seconds", type=float, default=None, help="Dừng sau N giây (mã thoát 3 nếu còn việc)")
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
        worker = Worker(kinds=[store.KIND])
        worker.stop_on_signals()
        try:
            result = worker.run(until_idle=until_idle, max_seconds=max_seconds)
        except UnauthorisedError as exc:
            raise CommandError(f"Kho dữ liệu cá nhân từ chối thông tin xác thực ({exc}); dừng, không đánh dấu lỗi "
                               f"bản sao nào.", returncode=USAGE) from None
        self.stderr.write(f"Đã gửi {result.sent}, được xác nhận {result.acknowledged}, bị từ chối {result.refused}, "
                          f"lỗi tạm thời {result.transient}.")
        if worker.waiting():
            raise CommandError(f"Còn {worker.waiting()} bản sao kết quả chờ gửi.", returncode=WORK_REMAINS)
