"""Only the state machine writes a dossier's status: a scan of the source of `motcua/` finds any other writer.

The scan reads every module's syntax tree (the scanned modules are not imported) and reports, by file and line:

- a keyword argument `status=` in any call (`create`, `update`, `bulk_create`, `get_or_create`,
  `update_or_create`, `Dossier(...)`, `dict(...)`, ...), except the calls where `status=` cannot be a
  write: query lookups (`filter`, `exclude`, `get`, `Q`) and HTTP responses (`render`, `JsonResponse`, ...);
- an assignment to an attribute `.status` (`x.status = ...`, also in a tuple or augmented) and
  `setattr(x, "status", ...)`;
- a dict literal with the key "status" given as `defaults=` or unpacked into a call (`update(**{...})`);
- in a module that uses the `Dossier` model (the only way a dict of values reaches its table but SQL,
  which has its own rule): any dict literal with the key "status" and any item assignment
  `x["status"] = ...` (a dict of column values). Elsewhere such dicts are other things' statuses, e.g.
  the JSON bodies of the HTTP stand-ins;
- the string "status" in a list, tuple or set literal that is a column list: named `*fields*` or
  `*columns*` (a variable or a keyword argument such as `update_fields=`), passed to `bulk_update`, or
  naming another column of `Dossier` too; except the read-only options of the admin and an index's fields
  (a tuple of words that are not columns, e.g. `("down", "status", "slow")`, is not a column list);
- SQL text that writes a `status` column (INSERT/COPY column lists, `UPDATE ... SET status =`).

`motcua/dossiers/lifecycle.py` is the one module allowed to write (and is scanned in a test to show the
scan sees its writes); migrations describe the schema and are not scanned. `ALLOWED` lists the only other
findings, each one something that is not a dossier's status, with its reason.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from motcua.dossiers.models import Dossier

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "motcua"
OWNER = "motcua/dossiers/lifecycle.py"

# Calls in which `status=` is a lookup (a read) or an HTTP status code, never a write.
LOOKUP_CALLS = {"filter", "exclude", "get", "Q"}
HTTP_CALLS = {"render", "JsonResponse", "HttpResponse", "TemplateResponse", "HttpResponseBase", "json_response"}


def is_http_code(value: ast.AST) -> bool:
    """A literal from 100 up is an HTTP status code passed on (`_page(..., status=400)`): a dossier's status
    is 1 to 10 and is never written as a literal that large."""
    if isinstance(value, ast.IfExp):  # `status=400 if errors else 200`
        return is_http_code(value.body) and is_http_code(value.orelse)
    return isinstance(value, ast.Constant) and type(value.value) is int and value.value >= 100


# Admin options and index definitions name columns to show, filter, search or index by.
READ_ONLY_NAMES = {"list_display", "list_filter", "search_fields", "ordering", "readonly_fields",
                   "list_display_links", "sortable_by"}
INDEX_CALLS = {"Index", "UniqueConstraint"}
COLUMN_LIST_NAME = re.compile(r"fields|columns", re.IGNORECASE)
# The other columns of a dossier, by field and column name: a literal naming one of them with "status"
# is a column list whatever it is called.
DOSSIER_COLUMNS = frozenset({f.name for f in Dossier._meta.concrete_fields}
                            | {f.column for f in Dossier._meta.concrete_fields}) - {"status"}

# (file, enclosing function or class, rule) -> why it is not a dossier's status. Keyed by the enclosing
# definition rather than the line number so that edits elsewhere in a file do not stale the list; a
# failure still names the exact file:line, and an entry that no longer matches anything fails too.
ALLOWED = {
    # motcua/indicators/api.py:35 `self.parameter, self.message, self.status = ...`
    ("motcua/indicators/api.py", "BadParameter.__init__", "attribute"):
        "the HTTP status code of an API error (an exception's attribute), not a dossier",
    # motcua/indicators/api.py:39 `return _json({...}, status=problem.status)`
    ("motcua/indicators/api.py", "error_response", "keyword:_json"):
        "_json wraps JsonResponse: status= is the response's HTTP status code",
    # motcua/feedback/lifecycle.py: a feedback item's status, written only by its own lifecycle (the same
    # compare-and-update on a version, event row and change stamp as the dossiers' lifecycle).
    # Other things' statuses shown or passed on, never a dossier's.
    ("motcua/controlroom/blocks.py", "targets_block", "dict key"): "a target's status (met or not) for the page",
    ("motcua/controlroom/blocks.py", "officers_block", "dict key"): "an officer target's status for the page",
    ("motcua/reports/sources.py", "monthly_plan_status", "keyword:PlanTaskLine"): "a plan task's status",
    ("motcua/feedback/lifecycle.py", "transition", "column list"): "Feedback.status, by the feedback lifecycle",
    ("motcua/feedback/lifecycle.py", "transition", "keyword:update"): "Feedback.status, by the feedback lifecycle",
    ("motcua/feedback/lifecycle.py", "transition", "attribute"): "Feedback.status, by the feedback lifecycle",
    ("motcua/feedback/lifecycle.py", "receive", "attribute"): "Feedback.status, by the feedback lifecycle",
    ("motcua/feedback/lifecycle.py", "raise_again", "attribute"): "Feedback.status, by the feedback lifecycle",
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    scope: str
    text: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.rule} in {self.scope or '<module>'}: {self.text}"


_SQL_WRITE = re.compile(
    r"\b(?:insert\s+into|copy)\s+\S+\s*\([^)]*\bstatus\b|\bupdate\s+\S+\s+set\b[^;]*?\bstatus\b\s*=",
    re.IGNORECASE | re.DOTALL)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_status(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]):
        self.path, self.lines, self.scope, self.findings = path, lines, [], []
        self.uses_dossier = False  # set before the visit by `scan_source`
        self.exempt_literals: set[int] = set()  # ids of list/tuple/set nodes in a read-only place
        self.value_dicts: set[int] = set()  # ids of dict nodes given as defaults or unpacked into a call
        self.column_lists: set[int] = set()  # ids of list/tuple/set nodes named or passed as column lists

    def _add(self, node, rule):
        text = self.lines[node.lineno - 1].strip() if node.lineno <= len(self.lines) else ""
        self.findings.append(Finding(self.path, node.lineno, rule, ".".join(self.scope), text))

    def _scoped(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Call(self, node: ast.Call):
        callee = _callee(node)
        for keyword in node.keywords:
            if keyword.arg == "status" and callee not in LOOKUP_CALLS | HTTP_CALLS \
                    and not is_http_code(keyword.value):
                self._add(node, f"keyword:{callee}")
            if keyword.arg == "fields" and callee in INDEX_CALLS:
                self.exempt_literals.add(id(keyword.value))
            elif keyword.arg and COLUMN_LIST_NAME.search(keyword.arg):
                self.column_lists.add(id(keyword.value))
            if keyword.arg is None or keyword.arg in ("defaults", "create_defaults"):
                self.value_dicts.add(id(keyword.value))
        if callee == "bulk_update":
            self.column_lists.update(id(arg) for arg in node.args)
        if callee == "setattr" and len(node.args) >= 2 and _is_status(node.args[1]):
            self._add(node, "setattr")
        self.generic_visit(node)

    def _targets(self, targets, node):
        for target in targets:
            for element in ast.walk(target):
                if isinstance(element, ast.Attribute) and element.attr == "status" \
                        and isinstance(element.ctx, ast.Store):
                    self._add(node, "attribute")
                elif isinstance(element, ast.Subscript) and _is_status(element.slice) \
                        and isinstance(element.ctx, ast.Store) and self.uses_dossier:
                    self._add(node, "item")

    def visit_Assign(self, node: ast.Assign):
        self._targets(node.targets, node)
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(name in READ_ONLY_NAMES for name in names):
            self.exempt_literals.add(id(node.value))
        elif any(COLUMN_LIST_NAME.search(name) for name in names):
            self.column_lists.add(id(node.value))
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._targets([node.target], node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._targets([node.target], node)
        if isinstance(node.target, ast.Name) and COLUMN_LIST_NAME.search(node.target.id) and node.value:
            self.column_lists.add(id(node.value))
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict):
        if any(_is_status(key) for key in node.keys if key is not None) \
                and (self.uses_dossier or id(node) in self.value_dicts):
            self._add(node, "dict key")
        self.generic_visit(node)

    def _sequence(self, node):
        if id(node) not in self.exempt_literals and any(_is_status(e) for e in node.elts) and (
                id(node) in self.column_lists
                or any(isinstance(e, ast.Constant) and e.value in DOSSIER_COLUMNS for e in node.elts)):
            self._add(node, "column list")
        self.generic_visit(node)

    visit_List = visit_Tuple = visit_Set = _sequence

    def visit_Constant(self, node: ast.Constant):
        if isinstance(node.value, str) and _SQL_WRITE.search(node.value):
            self._add(node, "SQL")

    def visit_JoinedStr(self, node: ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
        if _SQL_WRITE.search(text):
            self._add(node, "SQL")


def scan_source(source: str, path: str = "<snippet>") -> list[Finding]:
    """Every place in `source` that may write a status (before the allow-list)."""
    tree = ast.parse(source, filename=path)
    scanner = _Scanner(path, source.splitlines())
    scanner.uses_dossier = any(
        (isinstance(node, ast.Name) and node.id == "Dossier")
        or (isinstance(node, ast.Attribute) and node.attr == "Dossier")
        or (isinstance(node, ast.alias) and node.name == "Dossier") for node in ast.walk(tree))
    scanner.visit(tree)
    return sorted(scanner.findings, key=lambda f: (f.line, f.rule))


def _allowed_key(finding: Finding):
    key = (finding.path, finding.scope, finding.rule)
    return key if key in ALLOWED else None


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative == OWNER:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_nothing_outside_the_lifecycle_writes_a_status():
    found = [f for relative, source in _modules() for f in scan_source(source, relative)]
    writers = [f for f in found if _allowed_key(f) is None]
    assert not writers, (
        "Only motcua/dossiers/lifecycle.py writes Dossier.status; found:\n" + "\n".join(map(str, writers))
        + "\n(route a dossier's status through the lifecycle; if this is another thing's status, add "
          "(file, scope, rule) to ALLOWED in this test with the reason)")
    used = {_allowed_key(f) for f in found}
    assert not set(ALLOWED) - used, f"allow-list entries that match nothing any more: {set(ALLOWED) - used}"


def test_the_scan_sees_the_lifecycles_own_writes():
    """The one real writer, scanned like the others, is found: its writes have the shapes the scan knows."""
    findings = scan_source((ROOT / OWNER).read_text(encoding="utf-8"), OWNER)
    found = {(f.scope, f.rule) for f in findings}
    assert ("transition", "keyword:update") in found  # the compare-and-update
    assert ("transition", "attribute") in found  # dossier.status = new
    assert ("create_dossier", "attribute") in found
    assert ("ImportedDossiers.new", "item") in found  # values["status"] = ...
    assert ("ImportedDossiers.existing", "item") in found
    assert any(f.rule == "column list" for f in findings)  # IMPORT_FIELDS


PLANTED = [
    ("Dossier.objects.create(code=c, status=Status.RECEIVED)", "keyword:create"),
    ("Dossier.objects.filter(pk=1).update(status=3)", "keyword:update"),
    ("Dossier.objects.bulk_create([Dossier(code=c, status=s)])", "keyword:Dossier"),
    ("Dossier.objects.get_or_create(code=c, defaults={'status': 2})", "dict key"),
    ("Dossier.objects.update_or_create(code=c, status=2)", "keyword:update_or_create"),
    ("values = dict(code=c, status=s)", "keyword:dict"),
    ("values.update(status=s)", "keyword:update"),
    ("_page(request, dossier, status=3)", "keyword:_page"),
    ("_form(request, status=400 if errors else s)", "keyword:_form"),
    ("qs.update(**{'status': 4})", "dict key"),
    ("dossier.status = Status.RETURNED", "attribute"),
    ("a.version, a.status = 2, 3", "attribute"),
    ("dossier.status += 1", "attribute"),
    ("setattr(dossier, 'status', 4)", "setattr"),
    ("values['status'] = 4", "item"),
    ("dossier.save(update_fields=['status'])", "column list"),
    ("Dossier.objects.bulk_update(rows, ['status'])", "column list"),
    ("FIELDS = ['code', 'status', 'received_at']", "column list"),
    ("COPY_COLUMNS = ('status',)", "column list"),
    ("UPDATE_FIELDS: tuple = ('status',)", "column list"),
    ("copy_rows(table, ['id', 'status'], rows)", "column list"),
    ("cursor.execute('UPDATE dossiers_dossier SET version = 1, status = %s WHERE id = %s', [4, 1])", "SQL"),
    ("cursor.execute('INSERT INTO dossiers_dossier (code, status) VALUES (%s, %s)', row)", "SQL"),
    ("sql = f'COPY {table} (code, status, version) FROM STDIN'", "SQL"),
]


@pytest.mark.parametrize(("line", "rule"), PLANTED, ids=[rule for _line, rule in PLANTED])
def test_the_scan_finds_a_planted_writer(line, rule):
    source = (f"from motcua.dossiers.models import Dossier\n\n\ndef receive(dossier, values, qs, cursor, rows, c, s):"
              f"\n    x = 1\n    {line}\n")
    [finding] = scan_source(source, "motcua/office/planted.py")
    assert (finding.line, finding.rule, finding.scope) == (6, rule, "receive")
    assert str(finding).startswith("motcua/office/planted.py:6: ")


@pytest.mark.parametrize("line", ["Dossier.objects.get_or_create(code=c, defaults={'status': 2})",
                                  "qs.update(**{'status': 4})"])
def test_value_dicts_are_found_without_the_model_in_sight(line):
    [finding] = scan_source(f"def receive(qs, c):\n    {line}\n")
    assert (finding.line, finding.rule) == (2, "dict key")


def test_dicts_of_other_things_statuses_pass_where_no_dossier_is_written():
    """An HTTP stand-in's JSON body, in a module that never uses the Dossier model."""
    source = """
def answer(self, message, fault):
    self._answer(200, {"id": message["id"], "status": "sent"})
    fault["status"] = 503
"""
    assert scan_source(source) == []
    assert [f.rule for f in scan_source("from motcua.dossiers.models import Dossier\n" + source)] == [
        "dict key", "item"]


def test_the_scan_passes_reads():
    source = """
from django.db.models import Count, Q
open_ = Dossier.objects.filter(status=Status.PROCESSING).exclude(status=3)
one = Dossier.objects.get(code=c, status=2)
returned = Count("id", filter=Q(status=Status.RETURNED))
late = dossier.status == Status.RETURNED and event.new_status == 4
rows = Dossier.objects.values_list("code", "status").order_by("status")
page = render(request, "x.html", {"form": form}, status=400)
json = JsonResponse({"error": 1}, status=404)
page = _page(request, dossier, bound=form, status=400)
page = _form(request, status=400 if errors else 200)
form.fields["status"].choices = []
cursor.execute("SELECT status FROM dossiers_dossier WHERE status = %s", [4])
cursor.execute("INSERT INTO dossiers_dossierevent (old_status, new_status) VALUES (%s, %s)", [1, 2])

class DossierAdmin:
    list_display = ("code", "status")
    list_filter = ("status",)

class Meta:
    indexes = [models.Index(fields=["status", "due_at"], name="open_due")]

FAULT_KINDS = ("down", "status", "slow")
"""
    assert scan_source(source) == []


def test_a_writer_planted_in_a_real_module_is_found():
    relative = "motcua/office/actions.py"
    source = (ROOT / relative).read_text(encoding="utf-8")
    assert [f for f in scan_source(source, relative) if _allowed_key(f) is None] == []
    lines = source.splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("def do_accept_online(")) + 3
    planted = "\n".join([*lines[:at], "    Dossier.objects.filter(pk=dossier.pk).update(status=2)", *lines[at:]])
    [finding] = [f for f in scan_source(planted, relative) if _allowed_key(f) is None]
    assert (finding.line, finding.scope) == (at + 1, "do_accept_online")


def test_the_admin_can_neither_add_nor_change_a_dossier(rf):
    from django.contrib import admin
    from django.contrib.auth.models import User

    from motcua.dossiers.models import Dossier

    request = rf.get("/admin/")
    request.user = User(username="quantri", is_superuser=True, is_staff=True, is_active=True)
    model_admin = admin.site._registry[Dossier]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
