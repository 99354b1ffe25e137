"""motcua forms load [--file PATH]: store the application forms (new versions only where they changed)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.applications.definitions import FORMS_FILE, load_forms
from motcua.applications.formdef import DefinitionError


class Command(BaseCommand):
    help = "Nạp biểu mẫu điện tử của các thủ tục (chỉ tạo phiên bản mới khi nội dung thay đổi)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--file", type=Path, default=FORMS_FILE)

    def handle(self, action, file, **options):
        try:
            counts = load_forms(file)
        except (DefinitionError, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Biểu mẫu mới: {counts['created']} · không đổi: {counts['unchanged']} · "
                          f"thủ tục không có trong danh mục: {counts['missing_procedure']}")
