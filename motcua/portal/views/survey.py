"""Answering a service survey on the portal: by the link in the invitation (no sign-in: the link's
one-use token is the key) or, signed in, from the list of the surveys one was invited to.

An unknown link is 404; a used link, or one whose opening is over or not begun, is 410 with a sentence
saying why. A signed-in citizen sees only his own invitations (another's is 404). Errors are shown next
to each question. The rules are in `motcua.surveys` (questionnaire, answering); these views only show them.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from motcua.citizens.access import citizen_required
from motcua.surveys import answering, questionnaire
from motcua.surveys.models import Invitation


def _form(request, invitation, action_url):
    """The questionnaire of `invitation`: shown, or answered and used up (then the thanks page)."""
    state = answering.standing(invitation)
    if state != answering.OPEN:
        return render(request, "portal/survey_closed.html", {"message": answering.REFUSALS[state]}, status=410)
    questions = answering.questions_of(invitation)
    values, errors, posted = {}, {}, {}
    if request.method == "POST":
        values, errors = questionnaire.clean_answers(questions, request.POST)
        posted = {q.key: request.POST.getlist(q.key) for q in questions}
        if not errors:
            try:
                answering.answer(invitation, values, timezone.now())
            except answering.AnswerRefused as exc:
                return render(request, "portal/survey_closed.html", {"message": str(exc)}, status=410)
            return redirect("portal:survey_thanks")
    items = [{"question": q, "error": errors.get(q.key), "chosen": posted.get(q.key, []),
              "text": "\n".join(posted.get(q.key, []))} for q in questions]
    return render(request, "portal/survey_form.html", {
        "invitation": invitation, "opening": invitation.opening, "survey": invitation.opening.survey,
        "items": items, "errors": errors, "action": action_url}, status=400 if errors else 200)


@never_cache
@ratelimit(key="ip", rate="60/m", block=False)
def answer_by_link(request, token):
    if getattr(request, "limited", False):
        return render(request, "portal/survey_closed.html",
                      {"message": "Ông/Bà đã thử quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau một phút."},
                      status=429)
    invitation = answering.by_token(token)
    if invitation is None:
        raise Http404
    return _form(request, invitation, request.path)


@citizen_required
def my_surveys(request):
    invitations = answering.open_invitations(request.user.get_username())
    return render(request, "portal/survey_list.html", {"invitations": invitations})


@citizen_required
def answer_mine(request, pk):
    invitation = (Invitation.objects.select_related("opening__survey", "procedure", "unit")
                  .filter(pk=pk, id_number=request.user.get_username()).first())
    if invitation is None:
        raise Http404
    return _form(request, invitation, request.path)


def thanks(request):
    return render(request, "portal/survey_thanks.html")
