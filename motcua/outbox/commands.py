"""What the outbox's worker commands share (`motcua sync`, `motcua notify`, `motcua datastore`):
the `run` arguments, the counts of `status`, and running a worker with interop.md's exit codes
(0 done, 2 usage or configuration, 3 work left)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Count

from motcua.outbox.models import Item, State
from motcua.outbox.worker import UnauthorisedError, Worker

USAGE, WORK_REMAINS = 2, 3


def add_run_parser(verbs, help_text: str):
    run = verbs.add_parser("run", help=help_text)
    run.add_argument("--until-idle", action="store_true", help="Dừng khi không còn gì chờ gửi")
    run.add_argument("--max-seconds", type=float, default=None, help="Dừng sau N giây (mã thoát 3 nếu còn việc)")
    return run


def status_counts(kind: str) -> dict:
    """`{"waiting", "failed", "acknowledged"}` items of one kind."""
    counts = dict(Item.objects.filter(kind=kind).values_list("state").annotate(n=Count("id")))
    return {"waiting": counts.get(State.WAITING, 0), "failed": counts.get(State.FAILED, 0),
            "acknowledged": counts.get(State.ACKNOWLEDGED, 0)}


def run_worker(command, kinds: list[str], until_idle: bool, max_seconds: float | None, *, other_side: str,
               items: str) -> None:
    """Deliver `kinds` until idle, for `max_seconds`, or as a service until SIGTERM; `other_side` and
    `items` name the system and the things sent in the messages ("Cổng DVCQG", "phiên bản hồ sơ")."""
    if max_seconds is not None and max_seconds <= 0:
        raise CommandError("--max-seconds phải là số giây dương.", returncode=USAGE)
    worker = Worker(kinds=kinds)
    worker.stop_on_signals()
    try:
        result = worker.run(until_idle=until_idle, max_seconds=max_seconds)
    except UnauthorisedError as exc:
        raise CommandError(f"{other_side} từ chối thông tin xác thực ({exc}); dừng, không đánh dấu lỗi "
                           f"{items} nào.", returncode=USAGE) from None
    command.stderr.write(f"Đã gửi {result.sent}, được xác nhận {result.acknowledged}, bị từ chối {result.refused}, "
                         f"lỗi tạm thời {result.transient}.")
    waiting = worker.waiting()
    if waiting:
        raise CommandError(f"Còn {waiting} {items} chờ gửi.", returncode=WORK_REMAINS)
