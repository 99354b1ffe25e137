"""The dossier state machine: statuses, the literal table of allowed transitions, and the only code that
writes `Dossier.status` (and `version`). There are three ways in, each writing its event rows and telling
readers in the same transaction as the status:

- `create_dossier`: a dossier created in this system gets its first status from `INITIAL_STATUSES`;
- `transition`: every later change, by the literal table `TRANSITIONS`;
- `ImportedDossiers`: the bulk entry point of `motcua import`, which gives each written row its status
  (`status_from_facts`) and version and writes one "import" event per dossier it creates or changes.

Every transition is a compare-and-update on (pk, status, version) and writes its event row in the same
transaction, so two officers can never both move the same dossier and no change is half done.
`tests/dossiers/test_status_writers.py` fails on any other code in `motcua/` that writes a status.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.changes.tracking import dossiers_changed
from motcua.dossiers import national
from motcua.dossiers.constants import Ending, PauseKind, Status
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause

S = Status

# How a dossier enters this system -> its first status (docs/lifecycle.md, "Initial statuses").
INITIAL_STATUSES: dict[str, Status] = {
    # Received at a one-stop desk (in person or by post): handing it in and its receipt are one act.
    "desk": S.RECEIVED,
    # Submitted online: it waits for the desk to receive it (action "receive") or refuse it.
    "online": S.SUBMITTED,
}

# (status, action) -> new status. This table also drives the buttons of the back office and the docs.
TRANSITIONS: dict[tuple[Status, str], Status] = {
    (S.SUBMITTED, "receive"): S.RECEIVED,
    (S.SUBMITTED, "refuse"): S.REFUSED,
    (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
    (S.RECEIVED, "start"): S.PROCESSING,
    (S.RECEIVED, "refuse"): S.REFUSED,
    (S.RECEIVED, "request_supplement"): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, "withdraw"): S.WITHDRAWN,
    (S.PROCESSING, "assign"): S.PROCESSING,
    (S.PROCESSING, "hand_over"): S.PROCESSING,
    (S.PROCESSING, "request_supplement"): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, "request_fees"): S.WAITING_FEES,
    (S.PROCESSING, "apologize"): S.PROCESSING,
    (S.PROCESSING, "stop"): S.STOPPED,
    (S.PROCESSING, "withdraw"): S.WITHDRAWN,
    (S.PROCESSING, "resolve"): S.RESOLVED,
    (S.SUPPLEMENT_REQUESTED, "complete_supplement"): S.PROCESSING,
    (S.SUPPLEMENT_REQUESTED, "withdraw"): S.WITHDRAWN,
    (S.SUPPLEMENT_REQUESTED, "stop"): S.STOPPED,
    (S.WAITING_FEES, "fees_paid"): S.PROCESSING,
    (S.WAITING_FEES, "withdraw"): S.WITHDRAWN,
    (S.WAITING_FEES, "stop"): S.STOPPED,
    (S.RESOLVED, "sign_result"): S.RESOLVED,
    (S.RESOLVED, "return_result"): S.RETURNED,
}

ACTION_LABELS = {
    "create": gettext_lazy("Tạo hồ sơ"),
    "import": gettext_lazy("Nhập từ tệp trao đổi dữ liệu"),
    "receive": gettext_lazy("Tiếp nhận"),
    "refuse": gettext_lazy("Từ chối tiếp nhận"),
    "start": gettext_lazy("Chuyển xử lý"),
    "assign": gettext_lazy("Phân công"),
    "hand_over": gettext_lazy("Chuyển liên thông"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung"),
    "complete_supplement": gettext_lazy("Đã bổ sung"),
    "request_fees": gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "fees_paid": gettext_lazy("Đã thực hiện nghĩa vụ tài chính"),
    "apologize": gettext_lazy("Xin lỗi và hẹn lại"),
    "stop": gettext_lazy("Dừng xử lý"),
    "withdraw": gettext_lazy("Rút hồ sơ"),
    "resolve": gettext_lazy("Xử lý xong"),
    "sign_result": gettext_lazy("Phê duyệt và ký số kết quả"),
    "return_result": gettext_lazy("Trả kết quả"),
    # Changes that keep the status (record_change).
    "payment": gettext_lazy("Thanh toán phí, lệ phí"),
    "rate": gettext_lazy("Đánh giá mức độ hài lòng"),
    "complaint": gettext_lazy("Phản ánh, kiến nghị về hồ sơ"),
}


class TransitionError(Exception):
    """The action is not allowed from the dossier's status (a user error, shown as is)."""


class ConcurrentChange(TransitionError):
    """Another officer changed the dossier first; nothing was written."""


def allowed_actions(status: int) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]


@dataclass(frozen=True)
class Outcome:
    dossier: Dossier
    event: DossierEvent


def _field_changes(dossier: Dossier, action: str, at) -> dict:
    """The dossier fields that an action sets besides the status."""
    if action == "resolve":
        return {"resolved_at": at}
    if action == "return_result":
        return {"returned_at": at}
    if action in ("refuse", "withdraw", "stop"):
        ending = {"refuse": Ending.REFUSED, "withdraw": Ending.WITHDRAWN, "stop": Ending.STOPPED}[action]
        return {"ended": ending.value, "ended_at": at}
    return {}


def _pause_effects(dossier: Dossier, action: str, at, note: str):
    if action == "request_supplement":
        if dossier.pauses.filter(kind=PauseKind.SUPPLEMENT).exists():
            # Decree 118: a dossier may be asked for a supplement only once.
            raise TransitionError(_("Hồ sơ chỉ được yêu cầu bổ sung một lần."))
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.SUPPLEMENT, requested_at=at, reason=note)
    elif action == "request_fees":
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.FEE_WAIT, requested_at=at, reason=note)
    elif action in ("complete_supplement", "fees_paid"):
        kind = PauseKind.SUPPLEMENT if action == "complete_supplement" else PauseKind.FEE_WAIT
        open_pause = dossier.pauses.filter(kind=kind, completed_at__isnull=True).order_by("-requested_at").first()
        if open_pause is None:
            raise TransitionError(_("Không có yêu cầu nào đang chờ hoàn thành."))
        open_pause.completed_at = at
        open_pause.save(update_fields=["completed_at"])


def transition(dossier: Dossier, action: str, actor=None, note: str = "", at=None, data=None,
               changes: dict | None = None, actor_label: str = "") -> Outcome:
    """Move `dossier` by `action`, atomically, or raise TransitionError and change nothing.

    `changes` are extra dossier fields set in the same update (e.g. the new holder on a hand-over).
    `actor_label` names a system that acted when there is no user (`actor` None), e.g. the payment platform.
    """
    at = at or timezone.now()
    old = Status(dossier.status)
    new = TRANSITIONS.get((old, action))
    if new is None:
        raise TransitionError(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": old.label})
    fields = {**_field_changes(dossier, action, at), **(changes or {})}
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, status=old, version=dossier.version).update(
            status=new, version=dossier.version + 1, **fields)
        if updated != 1:
            raise ConcurrentChange(_("Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
                                   % {"code": dossier.code})
        _pause_effects(dossier, action, at, note)
        event = DossierEvent.objects.create(
            dossier=dossier, actor=actor, actor_label=str(actor or actor_label), action=action,
            old_status=old, new_status=new, at=at, note=note, data=data or {})
        # The live index re-reads this dossier on its next request, and the national portal hears of its new
        # version (committed with the change or not at all).
        dossiers_changed([dossier.pk])
        national.report_version(dossier.code, dossier.version + 1, at)
    dossier.status = new
    dossier.version += 1
    for name, value in fields.items():
        setattr(dossier, name, value)
    return Outcome(dossier=dossier, event=event)


def record_change(dossier: Dossier, action: str, changes: dict, actor=None, note: str = "", at=None,
                  data=None, actor_label: str = "") -> Outcome:
    """A change the portal must see that keeps the status (a payment): compare-and-update on the version,
    the event row, the stamp and the new version's outbox item, in one transaction."""
    at = at or timezone.now()
    if "status" in changes or "version" in changes:
        raise ValueError("record_change keeps the status and sets the version itself.")
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(
            version=dossier.version + 1, **changes)
        if updated != 1:
            raise ConcurrentChange(_("Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
                                   % {"code": dossier.code})
        event = DossierEvent.objects.create(
            dossier=dossier, actor=actor, actor_label=str(actor or actor_label), action=action,
            old_status=dossier.status, new_status=dossier.status, at=at, note=note, data=data or {})
        dossiers_changed([dossier.pk])
        national.report_version(dossier.code, dossier.version + 1, at)
    dossier.version += 1
    for name, value in changes.items():
        setattr(dossier, name, value)
    return Outcome(dossier=dossier, event=event)


def mark_complaint(dossier_id: int, actor=None, note: str = "", at=None, data=None,
                   actor_label: str = "") -> Outcome | None:
    """A complaint (a feedback item) about the dossier: its `complaint` fact, which indicator 4.3 reads
    (rules.md "Satisfaction"), set once by `record_change` with the row locked; None when already set."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    if dossier.complaint:
        return None
    return record_change(dossier, "complaint", {"complaint": True}, actor=actor, note=note, at=at, data=data,
                         actor_label=actor_label)


def create_dossier(dossier: Dossier, origin: str, actor=None, note: str = "", at=None, data=None) -> Outcome:
    """Save the new, unsaved `dossier` in the first status of `origin` (a key of `INITIAL_STATUSES`),
    version 0, with its "create" event and its stamp, in one transaction. The caller leaves `status` unset."""
    if dossier.pk is not None or dossier.status is not None:
        raise ValueError("create_dossier takes a new dossier without a status: the lifecycle sets it.")
    status = INITIAL_STATUSES[origin]
    at = at or dossier.received_at or timezone.now()
    try:
        with transaction.atomic():
            dossier.status, dossier.version = status, 0
            dossier.save(force_insert=True)
            event = DossierEvent.objects.create(
                dossier=dossier, actor=actor, actor_label=str(actor or ""), action="create", old_status=None,
                new_status=status, at=at, note=note, data=data or {})
            dossiers_changed([dossier.pk])
            national.report_version(dossier.code, dossier.version, at)
    except BaseException:
        dossier.pk, dossier.status = None, None  # nothing was saved: the object is new again
        raise
    return Outcome(dossier=dossier, event=event)


def status_from_facts(*, resolved_at, returned_at, ended, supplements, fee_waits) -> Status:
    """The status an imported dossier is in, from the facts the exchange format records."""
    if ended:
        return {Ending.REFUSED: S.REFUSED, Ending.WITHDRAWN: S.WITHDRAWN, Ending.STOPPED: S.STOPPED}[Ending(ended)]
    if returned_at is not None:
        return S.RETURNED
    if resolved_at is not None:
        return S.RESOLVED
    if any(completed is None for _requested, completed in supplements):
        return S.SUPPLEMENT_REQUESTED
    if any(completed is None for _requested, completed in fee_waits):
        return S.WAITING_FEES
    return S.PROCESSING


# The dossier columns `ImportedDossiers` sets on every row an import writes (the importer's upsert
# updates them on a conflict, with the values set here).
IMPORT_FIELDS = ("status", "version", "import_batch")
IMPORT_ACTION = "import"
# The facts `status_from_facts` reads, by their names in the exchange format (interchange.md).
STATUS_FACTS = ("resolved_at", "returned_at", "ended", "supplements", "fee_waits")
EVENT_CHUNK = 5000


class Previous(NamedTuple):
    """What the database holds of a dossier an import writes again."""

    pk: int
    status: int
    version: int


class ImportedDossiers:
    """The bulk entry point of the lifecycle, for `motcua import` (one per import, inside its transaction).

    For each dossier row the importer is about to write (a dict of column values by attribute name), it
    sets `status`, `version` and `import_batch_id`:

    - `new(values, facts)`: a dossier the database does not hold yet: the status of its facts
      (`status_from_facts`), version 0; its event (action "import", old status None) is written by `finish`;
    - `existing(values, facts, previous, changed)`: a dossier the database holds (`previous`, read by the
      importer with a row lock). When the import changes it (`changed`: any column it writes differs), the
      status of the facts, version + 1 and one "import" event from the previous status; otherwise the
      previous status and version and no event, so importing the same rows again changes nothing.

    `facts` is any mapping with the keys of `STATUS_FACTS` (the dict `reading.parse_dossier` returns).
    Events are written in bulk, without a query per row: those of changed dossiers by one multi-row
    INSERT every `EVENT_CHUNK` rows, those of new dossiers by `finish()`, one INSERT … SELECT from the rows
    the import wrote (the rows of this batch with an id above every id that existed when it started).
    Every event is at the import's moment with data {"batch": batch id}. The importer announces the whole
    change with `changes.tracking.record_replaced()` in the same transaction.
    """

    def __init__(self, batch, at=None):
        self.connection = connections[router.db_for_write(Dossier)]
        if not self.connection.in_atomic_block:
            raise transaction.TransactionManagementError("An import writes its dossiers in one transaction.")
        self.batch_id = batch.pk
        self.at = at or timezone.now()
        self.data = {"batch": batch.pk}
        self.last_existing_id = Dossier.objects.aggregate(m=Max("pk"))["m"] or 0
        self.counts = Counter()
        self._events: list[tuple] = []  # (dossier id, old status, new status) of changed dossiers
        self._changed: list[int] = []  # ids of changed dossiers, whose new version the portal must hear of
        quote, event = self.connection.ops.quote_name, DossierEvent._meta
        self._columns = [quote(event.get_field(name).column) for name in (
            "dossier", "actor_label", "action", "old_status", "new_status", "at", "note", "data")]
        # The values every event of this import shares, adapted for the database once.
        self._at = self.connection.ops.adapt_datetimefield_value(self.at)
        self._data = event.get_field("data").get_db_prep_save(self.data, self.connection)

    def new(self, values: dict, facts: Mapping) -> None:
        values["status"] = status_from_facts(
            resolved_at=facts["resolved_at"], returned_at=facts["returned_at"], ended=facts["ended"],
            supplements=facts["supplements"], fee_waits=facts["fee_waits"])
        values["version"] = 0
        values["import_batch_id"] = self.batch_id

    def existing(self, values: dict, facts: Mapping, previous: Previous, changed: bool) -> None:
        values["import_batch_id"] = self.batch_id
        if not changed:
            values["status"], values["version"] = previous.status, previous.version
            self.counts["unchanged"] += 1
            return
        new = status_from_facts(
            resolved_at=facts["resolved_at"], returned_at=facts["returned_at"], ended=facts["ended"],
            supplements=facts["supplements"], fee_waits=facts["fee_waits"])
        values["status"], values["version"] = new, previous.version + 1
        self._events.append((previous.pk, previous.status, new))
        self._changed.append(previous.pk)
        self.counts["changed"] += 1
        if len(self._events) >= EVENT_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._events:
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            self.connection.ops.quote_name(DossierEvent._meta.db_table), ", ".join(self._columns),
            ", ".join(["%s"] * len(self._columns)))
        at, data = self._at, self._data
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, [(pk, "", IMPORT_ACTION, old, new, at, "", data)
                                     for pk, old, new in self._events])
        self._events = []

    def finish(self) -> Counter:
        """Write the events not written yet; call once, after the last dossier row is written.
        Returns the counts of dossiers created, changed and left unchanged."""
        self._flush()
        connection, quote = self.connection, self.connection.ops.quote_name
        event, dossier = DossierEvent._meta, Dossier._meta
        column = lambda meta, name: quote(meta.get_field(name).column)  # noqa: E731
        # The columns of `_columns` but old_status, which stays null.
        sql = "INSERT INTO {} ({}) SELECT {}, %s, %s, {}, %s, %s, %s FROM {} WHERE {} = %s AND {} > %s".format(
            quote(event.db_table), ", ".join(c for c in self._columns if c != column(event, "old_status")),
            column(dossier, "id"), column(dossier, "status"), quote(dossier.db_table),
            column(dossier, "import_batch"), column(dossier, "id"))
        params = ["", IMPORT_ACTION, self._at, "", self._data, self.batch_id, self.last_existing_id]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            self.counts["created"] = cursor.rowcount
        # The portal hears of each version written: new dossiers' version 1 (already held when the file
        # gives `synced_at`, else waiting: the backfill), changed dossiers' new version.
        alias = connection.alias
        national.report_imported(alias, f"{column(dossier, 'import_batch')} = %s AND {column(dossier, 'id')} > %s",
                                 [self.batch_id, self.last_existing_id], self.at, new=True)
        for start in range(0, len(self._changed), EVENT_CHUNK):
            ids = self._changed[start:start + EVENT_CHUNK]
            national.report_imported(alias, f"{column(dossier, 'id')} IN ({', '.join(['%s'] * len(ids))})", ids,
                                     self.at, new=False)
        return self.counts
