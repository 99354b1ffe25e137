"""motcua notify run [--until-idle] [--max-seconds N] | notify status --json

Delivers the applicant notifications (outbox kinds "notify.email" and "notify.sms"); exit codes as
`motcua sync`: 0 on success, 2 on a usage or configuration error, 3 when work remains.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from motcua.notify import email, sms
from motcua.outbox import commands
from motcua.outbox.commands import USAGE

CHANNELS = {
    email.KIND: (email, "MOTCUA_SMTP_HOST", "thư điện tử"),
    sms.KIND: (sms, "MOTCUA_SMS_URL", "tin nhắn SMS"),
}


def status_counts() -> dict:
    return {kind: commands.status_counts(kind) for kind in CHANNELS}


class Command(BaseCommand):
    help = "Gửi thông báo (thư điện tử, SMS) cho người nộp hồ sơ."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        commands.add_run_parser(verbs, "Gửi các thông báo đang chờ")
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
        kinds = [kind for kind, (module, _setting, _label) in CHANNELS.items() if module.configured()]
        for kind, (_module, setting, label) in CHANNELS.items():  # noqa: B007 - _module named for the reader
            if kind not in kinds:
                self.stderr.write(f"Chưa cấu hình {setting}: {label} chờ trong hàng đợi, không gửi.")
        if not kinds:
            raise CommandError("Chưa cấu hình MOTCUA_SMTP_HOST hay MOTCUA_SMS_URL: không có nơi để gửi.",
                               returncode=USAGE)
        commands.run_worker(self, kinds, options["until_idle"], options["max_seconds"],
                            other_side="Máy chủ gửi", items="thông báo")
