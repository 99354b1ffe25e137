"""The hash-chained audit log: one append-only chain of every action and admin change (docs/operations.md).

`record(...)` is the one writer. It appends an *unsealed* `AuditEntry` (no `seq`, `prev_hash` or `hash`) in the
caller's transaction and touches no shared row, so writers of different objects never wait for each other.
After the transaction commits, `seal()` (registered with `transaction.on_commit`) links the committed
unsealed entries onto the chain in the order it finds them committed: entry n's `prev_hash` is entry n-1's
`hash`, and `hash` is SHA-256 over the canonical JSON of the entry's fields and `prev_hash`. Only one sealer
works at a time: it holds the one-row `AuditTail` (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL: a second
sealer leaves at once; the one working loops until nothing committed is left unsealed). `motcua audit seal`
seals by hand, `motcua audit verify` seals before it verifies. An entry whose transaction rolled back never
existed; an entry committed but not yet sealed (the moment between commit and seal, or a process that died
in it) is sealed by the next sealer.

No action calls `record` itself: every state change in motcua already writes a row to one of the
append-only trails listed in `AUDITED` (the dossier's events, feedback's, plans', surveys', citizen
accounts', payment callbacks, …) or, for the admin, Django's `LogEntry`. A `post_save` receiver on each of
them (connected in `CoreConfig.ready` by label, so this app imports none of them) appends the entry in the
same transaction as the trail's row. Rows loaded by `loaddata`/`motcua restore` (`raw=True`) are not
recorded again: the restored chain already holds them.

`verify()` walks the sealed chain and returns the first broken link, or None; `unsealed()` counts the rest.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from motcua.core.models import AuditEntry, AuditTail

GENESIS = "0" * 64

# The append-only trails whose every new row is an action to chain. By label: these apps sit above core.
AUDITED = (
    "dossiers.DossierEvent",
    "feedback.FeedbackEvent",
    "plans.TaskEvent",
    "surveys.SurveyEvent",
    "citizens.AccountEvent",
    "payments.Callback",
    "sync.Retry",
    "interchange.ImportBatch",
    "targets.Target",
    "admin.LogEntry",
)

FIELDS = ("seq", "at", "actor_id", "actor_label", "kind", "object_type", "object_id", "summary", "data",
          "prev_hash")


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(data) -> dict | list:
    """`data` as the database will give it back: JSON types only (dates, decimals, UUIDs as strings)."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(entry: AuditEntry) -> bytes:
    values = {name: getattr(entry, name) for name in FIELDS}
    values["at"] = _moment(entry.at)
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def record(kind: str, *, object_type: str = "", object_id="", summary: str = "", data=None, actor=None,
           actor_label: str = "", at: datetime | None = None) -> AuditEntry:
    """Append one unsealed entry in the caller's transaction (or its own); it is sealed after commit."""
    at = at or timezone.now()
    # Milliseconds, as Django's JSON serializer writes them (backup, dumpdata): a restored row hashes the same.
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    is_user = hasattr(actor, "pk")
    entry = AuditEntry(
        at=at, actor_id=actor.pk if is_user else actor,
        actor_label=(actor_label or (str(actor) if is_user else ""))[:255],
        kind=kind[:80], object_type=object_type[:80], object_id=str(object_id)[:100], summary=summary,
        data=_plain(data))
    # No savepoint of its own: if the caller's transaction fails, its entry goes with it.
    entry.save(force_insert=True)
    # robust: the action has committed; a sealer that fails leaves the entry for the next one.
    transaction.on_commit(seal, robust=True)
    return entry


def _seal_batch(batch: int) -> int | None:
    """Seal up to `batch` committed entries in one transaction: how many, or None if another sealer works."""
    with transaction.atomic():
        tail = AuditTail.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if tail is None:
            if AuditTail.objects.filter(pk=1).exists():
                return None  # locked: that sealer will find our entries
            # First seal of a new (or flushed) database; a concurrent first sealer fails on the primary key,
            # and the next seal picks up what it left.
            tail = AuditTail.objects.create(pk=1, seq=0, hash=GENESIS)
        entries = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch])
        seq, prev = tail.seq, tail.hash or GENESIS
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = prev = digest(entry)
        if entries:
            AuditEntry.objects.bulk_update(entries, ["seq", "prev_hash", "hash"])
            AuditTail.objects.filter(pk=1).update(seq=seq, hash=prev)
    return len(entries)


def seal(batch: int = 500) -> int:
    """Link every committed unsealed entry onto the chain; returns how many this call sealed.

    Must run outside a transaction (after commit). Re-checks after each release of the tail: an entry that
    committed while this sealer held the tail had its own sealer turned away, so this one takes it."""
    sealed = 0
    while True:
        count = _seal_batch(batch)
        if count is None:
            return sealed
        sealed += count
        # A short batch sealed all it could see; one look after releasing the tail finds late commits.
        if count < batch and not AuditEntry.objects.filter(seq__isnull=True).exists():
            return sealed


def unsealed() -> int:
    """Committed entries not on the chain yet (sealed by the next sealer; `motcua audit seal` does it now)."""
    return AuditEntry.objects.filter(seq__isnull=True).count()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str

    def __str__(self):
        return f"#{self.seq}: {self.reason}"


def verify(batch: int = 2000) -> tuple[int, Break | None]:
    """Walk the whole sealed chain in order: (entries checked, first broken link or None).

    Unsealed entries are not links yet: nothing can be verified of them (`unsealed()` counts them)."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    last_seq = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])  # sealed only
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return checked, Break(expected_seq, f"thiếu bản ghi (gặp #{entry.seq}) — có bản ghi đã bị xóa")
            if entry.prev_hash != prev:
                return checked, Break(entry.seq, "prev_hash không khớp bản ghi trước — có bản ghi đã bị xóa hoặc sửa")
            if digest(entry) != entry.hash:
                return checked, Break(entry.seq, "mã băm không khớp nội dung — bản ghi đã bị sửa")
            prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
        last_seq = rows[-1].seq
    tail = AuditTail.objects.filter(pk=1).first()
    tail_seq, tail_hash = (tail.seq, tail.hash or GENESIS) if tail else (0, GENESIS)
    if (tail_seq, tail_hash) != (expected_seq - 1, prev):
        return checked, Break(expected_seq, f"đuôi chuỗi ghi #{tail_seq} nhưng bản ghi cuối là #{expected_seq - 1}"
                                            " — các bản ghi mới nhất đã bị xóa hoặc sửa")
    return checked, None


# --- the receivers -------------------------------------------------------------------------------------

def _fields(instance) -> dict:
    values = {}
    for field in instance._meta.concrete_fields:
        values[field.attname] = field.value_from_object(instance)
    return values


def _target(instance) -> tuple[str, str]:
    """What the trail's row is about: its first foreign key other than the actor, else the row itself."""
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.name not in ("actor", "created_by", "user") and getattr(instance, field.attname):
            return field.related_model._meta.label, str(getattr(instance, field.attname))
    return instance._meta.label, str(instance.pk)


def _on_trail_row(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    object_type, object_id = _target(instance)
    actor = getattr(instance, "actor_id", None)
    try:
        summary = str(instance)
    except Exception:  # noqa: BLE001 — a summary must never stop the action it records
        summary = ""
    record(sender._meta.label, object_type=object_type, object_id=object_id, summary=summary,
           data=_fields(instance), actor=actor, actor_label=getattr(instance, "actor_label", "") or "",
           at=getattr(instance, "at", None) or None)


def _on_admin_change(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    content_type = instance.content_type
    record("admin.LogEntry", object_type=content_type.model_class()._meta.label if content_type and
           content_type.model_class() else "", object_id=instance.object_id or "",
           summary=f"{instance.get_action_flag_display()}: {instance.object_repr}", actor=instance.user_id,
           actor_label=str(instance.user), data=_fields(instance), at=instance.action_time)


def connect() -> None:
    for label in AUDITED:
        receiver = _on_admin_change if label == "admin.LogEntry" else _on_trail_row
        post_save.connect(receiver, sender=label, dispatch_uid=f"motcua.audit:{label}", weak=False)
