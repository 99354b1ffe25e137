"""motcua generate_demo DIR [--dossiers N] [--seed S] [--start DATE] [--end DATE]: write a demo folder only."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.demo.generator import generate, local_today


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"không phải ngày YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = "Sinh một thư mục dữ liệu mẫu theo định dạng trao đổi (không ghi vào cơ sở dữ liệu)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Thư mục đích")
        parser.add_argument("--dossiers", type=int, default=200_000, help="Số hồ sơ (mặc định 200000)")
        parser.add_argument("--seed", type=int, default=766, help="Hạt giống ngẫu nhiên (mặc định 766)")
        parser.add_argument("--start", default="2025-01-01", help="Ngày đầu, YYYY-MM-DD")
        parser.add_argument("--end", default=None, help="Ngày cuối, YYYY-MM-DD (mặc định hôm nay)")

    def handle(self, folder, dossiers, seed, start, end, **options):
        if dossiers < 0:
            raise CommandError("--dossiers phải ≥ 0")
        started = time.perf_counter()
        counts = generate(folder, n=dossiers, seed=seed, start=_date(start), end=_date(end) if end else local_today())
        self.stdout.write(f"{counts['dossiers']} hồ sơ, {counts['feedback']} phản ánh → {folder} "
                          f"({time.perf_counter() - started:.1f} s)")
