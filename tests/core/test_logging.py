"""Logs are kept at least three months: a daily file under VAR_DIR/logs with 100 days kept."""

import logging
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

from django.conf import settings


def test_the_root_logger_writes_a_daily_file_kept_100_days():
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, TimedRotatingFileHandler)]
    assert len(handlers) == 1
    handler = handlers[0]
    assert handler.when == "MIDNIGHT" and handler.backupCount >= 92  # three months of 31 days
    path = Path(handler.baseFilename)
    assert path.parent == Path(settings.LOG_DIR) and path.parent.is_dir()
    logging.getLogger("motcua.test").warning("Nhật ký thử %s", "có dấu")
    handler.flush()
    assert "WARNING motcua.test" in path.read_text(encoding="utf-8").splitlines()[-1]
    assert path.read_text(encoding="utf-8").splitlines()[-1].endswith("Nhật ký thử có dấu")
