"""motcua audit verify [--json] | seal: the hash-chained audit log (motcua/core/audit.py).

`verify` first seals what committed and is not sealed yet, then walks the chain. Exit 0: every link holds;
1: the first broken link is printed (a changed row: its hash no longer matches; a removed row: a gap in seq,
the next row's prev_hash, or the tail not matching the last row). `seal` only seals.
"""

import json
import sys

from django.core.management.base import BaseCommand

from motcua.core import audit


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: kiểm tra chuỗi mã băm (exit 0 nguyên vẹn, 1 có mắt xích hỏng)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="Kiểm tra toàn bộ chuỗi, báo mắt xích hỏng đầu tiên")
        verify.add_argument("--json", action="store_true")
        actions.add_parser("seal", help="Nối các bản ghi đã cam kết nhưng chưa niêm phong vào chuỗi")

    def handle(self, *args, action, **options):
        sealed = audit.seal()
        if action == "seal":
            self.stdout.write(f"Đã niêm phong {sealed} bản ghi; còn {audit.unsealed()} bản ghi chưa niêm phong.")
            return
        checked, broken = audit.verify()
        if options["json"]:
            self.stdout.write(json.dumps({"checked": checked, "ok": broken is None, "sealed_now": sealed,
                                          "unsealed": audit.unsealed(),
                                          "broken": None if broken is None else
                                          {"seq": broken.seq, "reason": broken.reason}}, ensure_ascii=False))
        elif broken is None:
            self.stdout.write(f"Nhật ký kiểm toán nguyên vẹn: {checked} bản ghi.")
        else:
            self.stderr.write(f"Nhật ký kiểm toán bị hỏng tại {broken} (đã kiểm tra {checked} bản ghi đúng).")
        if broken is not None:
            sys.exit(1)
