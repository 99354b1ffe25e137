"""motcua surveys invite <opening id> [--site-url URL] [--json]

Invites the people who used the opening's services (motcua/surveys/invitations.py): one invitation per
person, its e-mail and SMS put in the outbox (sent by `motcua notify run`). Idempotent: run again, it
invites only those not invited yet. Exit 0 on success, 2 when the opening does not exist or has closed.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.surveys.invitations import InviteRefused, invite
from motcua.surveys.models import Opening

USAGE = 2


class Command(BaseCommand):
    help = "Khảo sát trải nghiệm dịch vụ công: gửi lời mời trả lời."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        run = verbs.add_parser("invite", help="Mời những người đã dùng các dịch vụ của đợt khảo sát")
        run.add_argument("opening", type=int, help="Số của đợt khảo sát")
        run.add_argument("--site-url", default="", help="Địa chỉ công khai của cổng (mặc định MOTCUA_SITE_URL)")
        run.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        opening = Opening.objects.select_related("survey").filter(pk=options["opening"]).first()
        if opening is None:
            raise CommandError(f"Không có đợt khảo sát số {options['opening']}.", returncode=USAGE)
        try:
            run = invite(opening, options["site_url"] or settings.MOTCUA_SITE_URL,
                         actor_label="motcua surveys invite")
        except InviteRefused as exc:
            raise CommandError(str(exc), returncode=USAGE) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"invited": run.invited, "already": run.already, "messages": run.messages}))
            return
        self.stdout.write(f"Đã mời {run.invited} người ({run.messages} thư, tin nhắn vào hàng đợi gửi); "
                          f"{run.already} người đã được mời trước đó.")
