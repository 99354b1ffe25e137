"""motcua export DIR [--format jsonl|parquet] — write the whole record in the exchange format."""

from django.core.management.base import BaseCommand

from motcua.interchange.exporter import export_folder


class Command(BaseCommand):
    help = ("Xuất toàn bộ dữ liệu ra một thư mục theo định dạng trao đổi (JSONL/CSV), hoặc dạng cột Parquet "
            "cho các máy tính chỉ số quy mô quốc gia (--format parquet).")

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                            help="jsonl: định dạng trao đổi (mặc định); parquet: bảng cột có cột dẫn xuất.")

    def handle(self, folder, format="jsonl", **options):
        if format == "parquet":
            from motcua.national.export import export_parquet

            counts = export_parquet(folder)
        else:
            counts = export_folder(folder)
        self.stdout.write(
            f"Đã xuất {counts['units']} đơn vị, {counts['procedures']} thủ tục, {counts['dossiers']} hồ sơ, "
            f"{counts['feedback']} phản ánh, kiến nghị vào {folder}.")
