"""motcua openapi [--check] [--output PATH]: write (or check) docs/openapi.json from `indicators.openapi.SPEC`."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.indicators.openapi import SPEC

DEFAULT_PATH = Path(settings.BASE_DIR).parent / "docs" / "openapi.json"


def rendered() -> str:
    return json.dumps(SPEC, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "Ghi tài liệu OpenAPI của API chỉ số vào docs/openapi.json, hoặc kiểm tra tệp đó còn đúng (--check)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Không ghi; báo lỗi nếu tệp khác với tài liệu sinh từ mã nguồn.")
        parser.add_argument("--output", default=str(DEFAULT_PATH), help="Đường dẫn tệp (mặc định docs/openapi.json)")

    def handle(self, check, output, **options):
        path = Path(output)
        text = rendered()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                raise CommandError(f"{path} không khớp với motcua/indicators/openapi.py: chạy `motcua openapi` "
                                   "rồi commit tệp.")
            self.stdout.write(f"{path}: khớp.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã ghi {path}.")
