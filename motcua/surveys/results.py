"""The results of an opening: for the whole opening, per service (procedure) and per unit.

Per group: people invited, responses, the response rate; per question the distribution of the answers
(a scale's counts per point and its average, a choice's counts and shares of those who answered the
question; for a multiple choice the shares add up to more than 100%), and the text answers. Exact
arithmetic (Fraction), written the Vietnamese way by `motcua.lib.vnformat` where shown. Pure reading:
no writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count

from motcua.lib.textfold import fold
from motcua.surveys import questionnaire
from motcua.surveys.models import Invitation, Opening, Response

WHOLE, BY_PROCEDURE, BY_UNIT = "all", "procedure", "unit"
GROUPINGS = {WHOLE: "Toàn bộ đợt khảo sát", BY_PROCEDURE: "Theo dịch vụ công", BY_UNIT: "Theo đơn vị"}


@dataclass
class Option:
    value: str
    label: str
    count: int = 0
    share: Fraction | None = None  # of those who answered the question


@dataclass
class QuestionResult:
    question: questionnaire.Question
    answered: int = 0
    options: list[Option] = field(default_factory=list)
    average: Fraction | None = None  # scale questions
    texts: list[str] = field(default_factory=list)


@dataclass
class Group:
    kind: str
    key: str  # "" for the whole opening, else the procedure's code or the unit's code
    label: str
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.answered, self.invited) if self.invited else None

    def question(self, key: str) -> QuestionResult:
        return next(r for r in self.questions if r.question.key == key)


def tally(questions, answer_sets) -> list[QuestionResult]:
    """Per question, the distribution of `answer_sets` (each a dict of answers by question key)."""
    results = []
    for q in questions:
        result = QuestionResult(question=q, options=[Option(value, label) for value, label in q.options])
        by_value = {o.value: o for o in result.options}
        total = 0
        for answers in answer_sets:
            value = answers.get(q.key)
            if value in (None, "", []):
                continue
            result.answered += 1
            if q.type == questionnaire.TEXT:
                result.texts.append(str(value))
                continue
            chosen = value if isinstance(value, list) else [value]
            for v in chosen:
                if str(v) in by_value:
                    by_value[str(v)].count += 1
            if q.type == questionnaire.SCALE:
                total += int(value)
        if result.answered and q.type != questionnaire.TEXT:
            for option in result.options:
                option.share = Fraction(option.count, result.answered)
        if result.answered and q.type == questionnaire.SCALE:
            result.average = Fraction(total, result.answered)
        results.append(result)
    return results


def results(opening: Opening, grouping: str = WHOLE) -> list[Group]:
    """The groups of `grouping` (WHOLE: one group), each with its numbers; groups in name order."""
    questions = questionnaire.parse(opening.survey.questions)
    responses = list(Response.objects.filter(opening=opening).order_by("id")
                     .values("procedure_id", "procedure__code", "procedure__name", "unit_id", "unit__code",
                             "unit__name", "answers"))
    if grouping == WHOLE:
        invited = Invitation.objects.filter(opening=opening).count()
        return [Group(WHOLE, "", GROUPINGS[WHOLE], invited, len(responses),
                      tally(questions, [r["answers"] for r in responses]))]
    field_name = {BY_PROCEDURE: "procedure", BY_UNIT: "unit"}[grouping]
    invited_rows = (Invitation.objects.filter(opening=opening)
                    .values(f"{field_name}__code", f"{field_name}__name").annotate(n=Count("id")))
    names = {row[f"{field_name}__code"]: row[f"{field_name}__name"] for row in invited_rows}
    invited = {row[f"{field_name}__code"]: row["n"] for row in invited_rows}
    answers: dict[str, list] = {}
    for r in responses:
        code = r[f"{field_name}__code"]
        names.setdefault(code, r[f"{field_name}__name"])
        answers.setdefault(code, []).append(r["answers"])
    if grouping == BY_PROCEDURE:  # every surveyed service, even one nobody was invited about
        for code, name in opening.procedures.values_list("code", "name"):
            names.setdefault(code, name)
    groups = [Group(grouping, code, names[code], invited.get(code, 0), len(answers.get(code, [])),
                    tally(questions, answers.get(code, [])))
              for code in names]
    return sorted(groups, key=lambda g: (fold(g.label), g.label, g.key))  # Vietnamese order: Đ with D


def text_answers(opening: Opening) -> list[tuple[questionnaire.Question, str, str, str]]:
    """Every text answer: (question, service's name, unit's name, text), by question, service and unit."""
    texts = [q for q in questionnaire.parse(opening.survey.questions) if q.type == questionnaire.TEXT]
    rows = (Response.objects.filter(opening=opening).order_by("procedure__name", "unit__name", "id")
            .values_list("procedure__name", "unit__name", "answers"))
    found = []
    for q in texts:
        found.extend((q, procedure, unit, str(answers[q.key])) for procedure, unit, answers in rows
                     if answers.get(q.key))
    return found
