"""motcua results load [--file PATH]: store the result templates (new versions only where they changed)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.office.result_templates import TEMPLATES_FILE, load_templates
from motcua.results.templates import TemplateError


class Command(BaseCommand):
    help = "Nạp mẫu kết quả giải quyết của các thủ tục (chỉ tạo phiên bản mới khi nội dung thay đổi)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--file", type=Path, default=TEMPLATES_FILE)

    def handle(self, action, file, **options):
        try:
            counts = load_templates(file)
        except (TemplateError, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Mẫu kết quả mới: {counts['created']} · không đổi: {counts['unchanged']} · "
                          f"thủ tục không có trong danh mục: {counts['missing_procedure']}")
