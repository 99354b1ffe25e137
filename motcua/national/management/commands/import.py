"""motcua import DIR — import an exchange-format folder (or its Parquet form), all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from motcua.interchange.importer import import_folder
from motcua.interchange.models import ImportBatch
from motcua.interchange.reading import ImportFailed
from motcua.national import layout
from motcua.national.reading import as_exchange_folder


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
            if layout.is_parquet_folder(folder):
                # The Parquet form is read back as the exchange files it holds, then imported as they are.
                with as_exchange_folder(folder) as exchange:
                    result = import_folder(exchange, progress_factory=progress_factory)
                if result.batch is not None and not result.already_imported:
                    ImportBatch.objects.filter(pk=result.batch.pk).update(folder=str(folder))
            else:
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
