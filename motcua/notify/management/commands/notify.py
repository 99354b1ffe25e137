"""motcua notify run [--until-idle] [--max-seconds N] | notify status --json

Delivers the applicant notifications (outbox kinds "notify.email" and "notify.sms"); exit codes as
`motcua sync`: 0 on success, 2 on a usage or configuration error, 3 when work remains.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from motcua.notify import email, sms
from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker

USAGE, WORK_REMAINS = 2, 3
CHANNELS = {
    email.KIND: (email, "MOTCUA_SMTP_HOST", "thư điện tử"),
    sms.KIND: (sms, "MOTCUA_SMS_URL", "tin nhắn SMS"),
}


def status_counts() -> dict:
    counts = {}
    for kind in CHANNELS:
        by_state = dict(Item.objects.filter(kind=kind).values_list("state").annotate(n=Count("id")))
        counts[kind] = {"waiting": by_state.get(State.WAITING, 0), "failed": by_state.get(State.FAILED, 0),
                        "acknowledged": by_state.get(State.ACKNOWLEDGED, 0)}
    return counts


class Command(BaseCommand):
    help = "Gửi thông báo (thư điện tử, SMS) cho người nộp hồ sơ."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser("run", help="Gửi các thông báo đang chờ")
        run.add_argument("--until-idle", action="store_true", help="Dừng khi không còn gì chờ gửi")
        run.add_argument("--max-seconds", type=float, default=None, help="Dừng sau N giây (mã thoát 3 nếu còn việc)")
        status = verbs.add_parser("status", help="Số thông báo chờ gửi, bị từ chối, đã gửi, theo kênh")
        status.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        if verb == "status":
            counts = status_counts()
            if options["json"]:
                self.stdout.write(json.dumps(counts))
                return
            for kind, (_module, _setting, label) in CHANNELS.items():
                c = counts[kind]
                self.stdout.write(f"{label}: chờ gửi {c['waiting']}; bị từ chối {c['failed']}; "
                                  f"đã gửi {c['acknowledged']}")
            return
        if options["max_seconds"] is not None and options["max_seconds"] <= 0:
            raise CommandError("--max-seconds phải là số giây dương.", returncode=USAGE)
        kinds = [kind for kind, (module, _setting, _label) in CHANNELS.items() if module.configured()]
        for kind, (_module, setting, label) in CHANNELS.items():
            if kind not in kinds:
                self.stderr.write(f"Chưa cấu hình {setting}: {label} chờ trong hàng đợi, không gửi.")
        if not kinds:
            raise CommandError("Chưa cấu hình MOTCUA_SMTP_HOST hay MOTCUA_SMS_URL: không có nơi để gửi.",
                               returncode=USAGE)
        worker = Worker(kinds=kinds)
        worker.stop_on_signals()
        try:
            result = worker.run(until_idle=options["until_idle"], max_seconds=options["max_seconds"])
        except UnauthorisedError as exc:
            raise CommandError(f"Máy chủ gửi từ chối thông tin xác thực ({exc}); dừng, không đánh dấu lỗi "
                               "thông báo nào.", returncode=USAGE) from None
        self.stderr.write(f"Đã gửi {result.sent}, thành công {result.acknowledged}, bị từ chối {result.refused}, "
                          f"lỗi tạm thời {result.transient}.")
        if worker.waiting():
            raise CommandError(f"Còn {worker.waiting()} thông báo chờ gửi.", returncode=WORK_REMAINS)
