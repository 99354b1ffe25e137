"""motcua export DIR — write the whole record in the exchange format."""

from django.core.management.base import BaseCommand

from motcua.interchange.exporter import export_folder


class Command(BaseCommand):
    help = "Xuất toàn bộ dữ liệu ra một thư mục theo định dạng trao đổi."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, folder, **options):
        counts = export_folder(folder)
        self.stdout.write(
            f"Đã xuất {counts['units']} đơn vị, {counts['procedures']} thủ tục, {counts['dossiers']} hồ sơ, "
            f"{counts['feedback']} phản ánh, kiến nghị vào {folder}.")
