"""motcua import DIR — import an exchange-format folder, all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from motcua.interchange.importer import import_folder
from motcua.interchange.reading import ImportFailed


class Command(BaseCommand):
    help = "Nhập dữ liệu từ một thư mục theo định dạng trao đổi (tất cả hoặc không gì cả)."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, folder, no_progress=False, **options):
        bars = []

        def progress_factory(total, desc):
            bar = tqdm(total=total, desc=desc, unit=" hồ sơ", disable=no_progress or None, leave=False)
            bars.append(bar)
            return bar.update

        try:
            result = import_folder(folder, progress_factory=progress_factory)
        except ImportFailed as exc:
            for bar in bars:
                bar.close()
            lines = [str(p) for p in exc.problems]
            if exc.total > len(exc.problems):
                lines.append(f"… và {exc.total - len(exc.problems)} lỗi khác.")
            raise CommandError(f"Không nhập gì: {exc.total} lỗi.\n" + "\n".join(lines)) from None
        for bar in bars:
            bar.close()
        if result.already_imported:
            self.stdout.write(f"Thư mục này đã được nhập ({result.batch}); không có gì thay đổi.")
            return
        counts = result.counts
        self.stdout.write(
            f"Đã nhập {counts['units']} đơn vị, {counts['procedures']} thủ tục, {counts['authority']} dòng thẩm quyền, "
            f"{counts['dossiers']} hồ sơ, {counts['feedback']} phản ánh, kiến nghị.")
