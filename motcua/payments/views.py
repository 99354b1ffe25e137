"""Online payment's pages under /thanh-toan/ (interop.md §2): starting a payment, the return page, the
platform's callback, and the reconciliation runs for the province's monitors and administrators.

Who may see what: a dossier is paid by the citizen who owns it (read through `Dossier.objects.visible_to`
and a citizen role; 404 for anyone else); an order's return page is its dossier owner's only; the callback
trusts nothing but the signature; the reconciliation page is for provincial monitors and administrators.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.models import Role
from motcua.dossiers.models import Dossier
from motcua.lib.vnformat import long_moment, money
from motcua.payments import online
from motcua.payments.actions import PaymentError
from motcua.payments.models import OrderState, PaymentOrder, Reconciliation
from motcua.payments.reconcile import KIND_LABELS

SEES_RECONCILIATIONS = frozenset({Role.PROVINCIAL_MONITOR, Role.ADMINISTRATOR})


def _role(user):
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership.role
    return Role.ADMINISTRATOR if user.is_superuser else None


def _own_dossiers(user):
    """The dossiers this user may pay: his own, as a citizen; nothing for anyone else."""
    if _role(user) != Role.CITIZEN:
        return Dossier.objects.none()
    return Dossier.objects.visible_to(user)


@login_required
@require_POST
def start(request, code):
    dossier = get_object_or_404(_own_dossiers(request.user), code=code)
    try:
        order = online.start_order(dossier, purpose=online.purpose_of(dossier), actor=request.user)
        url = order.redirect_url(online.site_url(request))
    except PaymentError as exc:
        return render(request, "payments/refused.html", {"dossier": dossier, "message": str(exc)}, status=409)
    return redirect(url)


@login_required
@require_GET
def order_return(request, order_code):
    """What motcua knows of the order, nothing more: the platform's return parameters prove nothing (only
    its signed callback settles an order), so they are not read."""
    order = get_object_or_404(PaymentOrder.objects.select_related("dossier"), code=order_code,
                              dossier__in=_own_dossiers(request.user))
    waiting = order.state == OrderState.PENDING
    return render(request, "payments/return.html", {
        "order": order, "dossier": order.dossier, "waiting": waiting,
        "overdue": waiting and order.expires_at <= timezone.now(),
        "amount": money(order.amount_vnd),
        "paid_at": long_moment(order.paid_at) if order.paid_at else "",
    })


@csrf_exempt
@require_POST
def callback(request):
    """Server to server, no session: the signature is the only credential (`online.handle_callback`)."""
    params = request.POST.dict() if request.POST else {}
    if not params and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
            params = body if isinstance(body, dict) else {}
        except ValueError:
            params = {}
    answer = online.handle_callback(params, remote_addr=request.META.get("REMOTE_ADDR", ""))
    return JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def reconciliations(request):
    if _role(request.user) not in SEES_RECONCILIATIONS:
        raise PermissionDenied
    runs = list(Reconciliation.objects.all()[:60])
    for run in runs:
        run.rows = [{**difference, "label": KIND_LABELS.get(difference.get("kind"), difference.get("kind"))}
                    for difference in run.differences]
    return render(request, "payments/reconciliations.html", {"runs": runs})


