"""The scoring page of one category: every criterion beside its answer, saved all at once."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action, get_for_user
from safeguards.catalog.models import Category

from ..forms.assessments import AnswerForm
from ..models import Answer, AnswerConflict, Assessment, Evidence, ReadOnlyError
from .assessments import ASSESSMENTS, optional_url

# Per-answer fields the conflict page recomputes instead of passing through.
RESOLUTION_FIELDS = ("resolution", "stored_version")


@dataclass
class CategoryPage:
    """What a category page shows, read in a fixed number of queries."""

    assessment: Assessment
    categories: list[Category]
    category: Category
    answers: list[Answer]
    evidence: list[Evidence]
    progress: dict = field(default_factory=dict)

    @classmethod
    def load(cls, assessment: Assessment, code: str) -> "CategoryPage":
        categories = list(assessment.framework_version.categories.all())
        category = next((c for c in categories if c.code == code), None)
        if category is None:
            raise Http404("No such category in this framework version.")
        answers = list(
            assessment.answers.filter(criterion__category=category)
            .select_related("criterion", "updated_by")
            .prefetch_related("criterion__references", "evidence")
        )
        evidence = list(assessment.deployment.evidence.all())
        for item in evidence:
            item.link = optional_url("reviews:evidence", item.pk)
        counts = (
            assessment.answers.order_by()
            .values("criterion__category_id")
            .annotate(
                total=Count("pk"), answered=Count("pk", filter=~Q(status=scoring.NOT_ASSESSED))
            )
        )
        progress = {row["criterion__category_id"]: row for row in counts}
        for each in categories:
            each.progress = progress.get(each.pk, {"total": 0, "answered": 0})
        return cls(assessment, categories, category, answers, evidence)

    @property
    def next_category(self) -> Category | None:
        index = self.categories.index(self.category)
        return self.categories[index + 1] if index + 1 < len(self.categories) else None

    def url(self, category: Category | None = None) -> str:
        category = category or self.category
        return reverse("reviews:assessment_category", args=[self.assessment.pk, category.code])

    def forms(self, data=None) -> list[AnswerForm]:
        choices = [(item.pk, item.title) for item in self.evidence]
        return [
            AnswerForm(data, answer=answer, evidence_choices=choices) for answer in self.answers
        ]


def _load(request, pk: int, code: str, action: Action) -> CategoryPage:
    assessment = get_for_user(request.user, ASSESSMENTS, action, pk=pk)
    return CategoryPage.load(assessment, code)


def _render(request, page: CategoryPage, forms: list[AnswerForm], status: int = 200):
    assessment = page.assessment
    rows = []
    for form in forms:
        selected = {str(value) for value in (form["evidence"].value() or [])}
        rows.append({"form": form, "answer": form.answer, "selected": selected})
    last_code = page.answers[-1].criterion.code if page.answers else ""
    context = {
        "assessment": assessment,
        "page": page,
        "rows": rows,
        "errors": [form for form in forms if form.errors],
        "summary": _error_summary(forms),
        "can_edit": permissions.may_edit_answers(request.user, assessment),
        "next_unanswered_url": reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
        + f"?after={last_code}",
        "evidence_create_url": optional_url("reviews:evidence_create", assessment.deployment_id),
    }
    return render(request, "reviews/assessment_category.html", context, status=status)


def _error_summary(forms: list[AnswerForm]) -> list[tuple[str, str]]:
    """(element id, message) for the summary at the top; each links to its field."""
    summary = []
    for form in forms:
        code = form.answer.criterion.code
        for name, errors in form.errors.items():
            if name == "status":
                target = f"{form[name].auto_id}_0"  # the first radio button
            elif name in ("rationale", "recommendation"):
                target = form[name].auto_id
            else:
                target = f"criterion-{code}"
            label = form[name].label if name in form.fields else "Answer"
            summary += [(target, f"{code} {label}: {error}") for error in errors]
    return summary


def assessment_category(request, pk, code):
    if request.method == "POST":
        page = _load(request, pk, code, Action.EDIT)
        return _save(request, page, request.POST, then=page.url())
    page = _load(request, pk, code, Action.VIEW)
    return _render(request, page, page.forms())


@require_POST
def assessment_category_save_next(request, pk, code):
    page = _load(request, pk, code, Action.EDIT)
    following = page.next_category
    then = page.url(following) if following else page.assessment.get_absolute_url()
    return _save(request, page, request.POST, then=then)


@require_POST
def assessment_category_resolve(request, pk, code):
    """Re-post a page after a conflict, keeping the stored or applying the submitted answers."""
    page = _load(request, pk, code, Action.EDIT)
    data = request.POST.copy()
    for answer in page.answers:
        prefix = f"a{answer.pk}"
        choice = data.get(f"{prefix}-resolution")
        if choice == "mine":
            data[f"{prefix}-version"] = data.get(f"{prefix}-stored_version", "")
        elif choice == "keep":
            # The stored values, as they are now: nothing left to change for this answer.
            data[f"{prefix}-status"] = answer.status
            data[f"{prefix}-rationale"] = answer.rationale
            data[f"{prefix}-recommendation"] = answer.recommendation
            data.setlist(f"{prefix}-evidence", [str(pk) for pk in answer.evidence_ids()])
            data[f"{prefix}-version"] = str(answer.version)
    return _save(request, page, data, then=page.url())


def _save(request, page: CategoryPage, data, then: str):
    assessment = page.assessment
    if not assessment.is_draft:
        messages.error(request, "This assessment is not a draft: its answers are read-only.")
        return redirect(page.url())
    forms = page.forms(data)
    if not all([form.is_valid() for form in forms]):
        messages.error(request, "Nothing was saved: correct the answers marked below.")
        return _render(request, page, forms)
    try:
        changed = assessment.save_answers([form.change() for form in forms], by=request.user)
    except AnswerConflict as conflict:
        return _conflict(request, page, data, conflict)
    except ReadOnlyError as error:
        messages.error(request, str(error))
        return redirect(page.url())
    except ValidationError as error:
        messages.error(request, "Nothing was saved: " + " ".join(error.messages))
        return _render(request, page, forms)
    if changed:
        codes = ", ".join(answer.criterion.code for answer in changed)
        messages.success(request, f"Saved {len(changed)} changed answer(s): {codes}.")
    else:
        messages.info(request, "No changes to save.")
    return redirect(then)


def _conflict(request, page: CategoryPage, data, conflict: AnswerConflict):
    titles = {item.pk: item.title for item in page.evidence}
    rows = []
    for stored, submitted in conflict.conflicts:
        rows.append(
            {
                "prefix": f"a{stored.pk}",
                "criterion": stored.criterion,
                "stored": stored,
                "stored_status": scoring.STATUS_LABELS[stored.status],
                "stored_evidence": [item.title for item in stored.evidence.all()],
                "submitted": submitted,
                "submitted_status": scoring.STATUS_LABELS[submitted.status],
                "submitted_evidence": [titles.get(pk, f"#{pk}") for pk in submitted.evidence],
            }
        )
    hidden = [
        (name, value)
        for name, values in data.lists()
        if name != "csrfmiddlewaretoken" and not name.endswith(RESOLUTION_FIELDS)
        for value in values
    ]
    context = {"assessment": page.assessment, "page": page, "rows": rows, "hidden": hidden}
    return render(request, "reviews/assessment_conflict.html", context, status=409)
