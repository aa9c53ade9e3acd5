"""The scoring page of one category: every criterion beside its answer, saved all at once."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action, get_for_user
from safeguards.catalog.models import Category
from safeguards.followup import question_links
from safeguards.team.overview import page_reviews
from safeguards.team.review import may_raise as may_raise_notes

from .. import returned
from ..forms.assessments import TEXT_MAX_LENGTH, AnswerForm
from ..models import Answer, AnswerConflict, Assessment, Evidence, ReadOnlyError
from . import assessment_rows
from .assessments import optional_url

# Only what the page and a save use: not the framework file's text (~90 KB) above all.
PAGE_ASSESSMENTS = Assessment.objects.select_related("framework_version").only(
    "office",
    "deployment",
    "framework_version",
    "framework_version__source_sha256",
    "title",
    "status",
)
# Per-answer fields the conflict page recomputes instead of passing through.
RESOLUTION_FIELDS = ("resolution", "stored_version")


@dataclass
class CategoryPage:
    """What a category page shows, read in a fixed number of queries.

    Evidence links are read as plain rows, not prefetched instances (a page of 60 criteria
    would otherwise build hundreds of model instances for a few strings each), and the
    criteria's guides come ready made from the cache (a published framework never changes).
    """

    assessment: Assessment
    categories: list[Category]
    category: Category
    answers: list[Answer]
    evidence: list[Evidence]
    # criterion id -> its guide (question, guidance, rubric, references) as HTML
    guides: dict[int, str] = field(default_factory=dict)
    # answer id -> its linked evidence as (id, title, citation), by title
    links: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, assessment: Assessment, code: str) -> "CategoryPage":
        categories = list(assessment.framework_version.categories.all())
        category = next((c for c in categories if c.code == code), None)
        if category is None:
            raise Http404("No such category in this framework version.")
        answers = list(
            assessment.answers.filter(criterion__category=category)
            .select_related("criterion")
            .defer(*(f"criterion__{name}" for name in assessment_rows.GUIDE_FIELDS))
            .annotate(updated_by_name=F("updated_by__username"))
        )
        guides = assessment_rows.guides(assessment.framework_version, category, answers)
        links = defaultdict(list)
        for answer_id, *link in (
            Answer.evidence.through.objects.filter(answer_id__in=[a.pk for a in answers])
            .order_by("evidence__title", "evidence_id")
            .values_list("answer_id", "evidence_id", "evidence__title", "evidence__citation")
        ):
            links[answer_id].append(tuple(link))
        evidence = list(Evidence.objects.filter(deployment_id=assessment.deployment_id))
        # Reversed once, not once per item: the id is the last path segment.
        head, _, tail = (optional_url("reviews:evidence", 0) or "").rpartition("/0/")
        for item in evidence:
            item.link = f"{head}/{item.pk}/{tail}" if head else None
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
        return cls(assessment, categories, category, answers, evidence, guides, links)

    def linked_ids(self, answer: Answer) -> list[int]:
        return sorted(pk for pk, _, _ in self.links.get(answer.pk, ()))

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
            AnswerForm(
                data, answer=answer, evidence_choices=choices, linked=self.linked_ids(answer)
            )
            for answer in self.answers
        ]


def _load(request, pk: int, code: str, action: Action) -> CategoryPage:
    assessment = get_for_user(request.user, PAGE_ASSESSMENTS, action, pk=pk)
    return CategoryPage.load(assessment, code)


def _render(request, page: CategoryPage, forms: list[AnswerForm] | None = None, status=200):
    """The page; `forms` only after a refused save, to show what was submitted and why not."""
    assessment = page.assessment
    can_edit = permissions.may_edit_answers(request.user, assessment)
    last_code = page.answers[-1].criterion.code if page.answers else ""
    rows = assessment_rows.rows(page, forms, can_edit, _add_evidence_url(request, page))
    reviews = page_reviews(assessment.pk, [answer.pk for answer in page.answers])
    asked = question_links.for_deployment(
        assessment.deployment_id, [answer.criterion.code for answer in page.answers]
    )
    for row in rows:
        row["review"] = reviews[row["answer"].pk]
        row["asked"] = asked.get(row["criterion"].code)
    context = {
        "assessment": assessment,
        "page": page,
        "rows": rows,
        "errors": [form for form in forms or () if form.errors],
        "summary": _error_summary(forms or ()),
        "can_edit": can_edit,
        "review_links": may_raise_notes(request.user, assessment),
        "next_unanswered_url": reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
        + f"?after={last_code}",
        "rationale_help": AnswerForm.base_fields["rationale"].help_text,
        "text_max_length": TEXT_MAX_LENGTH,
        "recommendation_help": AnswerForm.base_fields["recommendation"].help_text,
    }
    step = returned.latest_return(assessment)
    codes = [category.code for category in page.categories]
    if step is not None and returned.concerns(step.comment, page.category.code, codes):
        context["returned"] = step
    return render(request, "reviews/assessment_category.html", context, status=status)


def _add_evidence_url(request, page: CategoryPage) -> str | None:
    """The add-evidence link of every criterion, "{code}" standing for the criterion's code."""
    url = optional_url("reviews:evidence_create", page.assessment.deployment_id)
    if url is None:
        return None
    # Back to the criterion on this page (not request.path: it may be a POST-only save URL).
    back = quote(page.url() + "#criterion-", safe="/")
    return (
        f"{url}?{urlencode({'assessment': page.assessment.pk})}&criterion={{code}}"
        f"&next={back}{{code}}"
    )


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
    return _render(request, page)


@require_POST
def assessment_category_save_next(request, pk, code):
    page = _load(request, pk, code, Action.EDIT)
    following = page.next_category
    then = page.url(following) if following else page.assessment.get_absolute_url()
    return _save(request, page, request.POST, then=then)


@require_POST
def assessment_category_save_then_evidence(request, pk, code, criterion):
    """Save the page first (so nothing typed is lost), then add evidence for one criterion;
    the evidence form links it and comes back to the criterion on this page."""
    page = _load(request, pk, code, Action.EDIT)
    if criterion not in {answer.criterion.code for answer in page.answers}:
        raise Http404("No such criterion on this page.")
    add = _add_evidence_url(request, page)
    if add is None:
        return _save(request, page, request.POST, then=page.url())
    return _save(request, page, request.POST, then=add.replace("{code}", quote(criterion)))


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
            data.setlist(f"{prefix}-evidence", [str(pk) for pk in page.linked_ids(answer)])
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
    # Often the other save was this same person, in another tab or after the Back button.
    context["all_yours"] = all(
        stored.updated_by_id == request.user.pk for stored, _ in conflict.conflicts
    )
    return render(request, "reviews/assessment_conflict.html", context, status=409)
