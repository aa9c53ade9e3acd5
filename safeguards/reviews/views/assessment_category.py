"""The scoring page of one category: every criterion beside its answer, saved all at once."""

import datetime
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action
from safeguards.catalog.models import Category, FrameworkVersion
from safeguards.followup import question_links
from safeguards.fragments import fragments
from safeguards.team.overview import page_reviews
from safeguards.team.review import may_raise as may_raise_notes
from safeguards.team.review import under_review_sql

from .. import page_sql, returned
from ..forms.assessments import (
    WIDGET_RENDERER,
    AnswerForm,
    EvidenceChoice,
    EvidencePickForm,
)
from ..guides import GUIDE_VERSION, Guide
from ..guides import guides as criterion_guides
from ..models import (
    AnswerChange,
    AnswerConflict,
    Assessment,
    EvidenceKind,
    ReadOnlyError,
    StepKind,
    lacks_recommendation,
)
from ..row_sql import Extra, Part, RowSQL
from .assessments import optional_url

# The assessment, written out (row_sql): only what the page and a save use (not the framework
# file's text, ~90 KB, above all).
_ROW = (
    Part(Assessment, fields=("office", "deployment", "framework_version", "title", "status")),
    [Part(FrameworkVersion, "framework_version", ("source_sha256",))],
)
SAVE_ASSESSMENT = RowSQL(*_ROW)
# A shown page also says whether it has review notes, a return and questions asked: a page
# that has none of them (most views of a draft) skips their queries.
PAGE_ASSESSMENT = RowSQL(
    *_ROW,
    extras=(
        Extra("reviewed", under_review_sql, convert=bool),
        Extra("latest_step", returned.latest_step_kind_sql),
        Extra("asked", question_links.any_sent_sql, convert=bool),
    ),
)
# Per-answer fields the conflict page recomputes instead of passing through.
RESOLUTION_FIELDS = ("resolution", "stored_version")


@dataclass(frozen=True)
class PageCriterion:
    """What a category page shows of a criterion beside its guide."""

    pk: int
    code: str
    title: str
    red_line: bool


@dataclass
class PageAnswer:
    """One answer as a category page reads it: plain values, not a model instance (the page
    reads 60 of them on every view; `Assessment.save_answers` reads the models it changes)."""

    pk: int
    criterion: PageCriterion
    status: str
    rationale: str
    recommendation: str
    version: int
    updated_at: datetime.datetime | None
    updated_by_name: str | None

    @property
    def criterion_id(self) -> int:
        return self.criterion.pk

    @property
    def lacks_recommendation(self) -> bool:
        return lacks_recommendation(self.status, self.recommendation)

    def get_status_display(self) -> str:
        return scoring.STATUS_LABELS[self.status]


@dataclass
class CategoryPage:
    """What a category page shows, read in a fixed number of queries.

    Evidence is read once for the page as plain rows (choices), and each answer's links as
    pairs of ids; the criteria's guides come ready made from the cache (a published framework
    never changes). Under each criterion the page lists only the evidence linked to it; the
    picker offers the rest of the deployment's evidence that can still be linked.
    """

    assessment: Assessment
    categories: list[Category]
    category: Category
    answers: list[PageAnswer]
    # evidence id -> what the page shows of it, every item of the deployment, by title
    evidence: dict[int, EvidenceChoice]
    # criterion id -> its guide (question; guidance, rubric, references) as HTML
    guides: dict[int, Guide] = field(default_factory=dict)
    # answer id -> the ids of its linked evidence, by title
    links: dict[int, list[int]] = field(default_factory=dict)
    # Whether the guides and the categories' progress are read (`shown`): a save that
    # redirects needs neither.
    complete: bool = False

    @classmethod
    def load(cls, assessment: Assessment, code: str, *, shown: bool = True) -> "CategoryPage":
        """The page; with `shown=False` only what a save and its redirect use (the answers,
        their links, the deployment's evidence, the categories' addresses)."""
        categories = page_sql.categories(assessment.framework_version_id)
        category = next((c for c in categories if c.code == code), None)
        if category is None:
            raise Http404("No such category in this framework version.")
        # Reversed once for the page; "{code}" stands for each category's code.
        url = reverse("reviews:assessment_category", args=[assessment.pk, "{code}"])
        for each in categories:
            each.url = url.replace("%7Bcode%7D", quote(each.code))
        answers = [
            PageAnswer(pk, PageCriterion(criterion, code, title, red_line), *values)
            for pk, criterion, code, title, red_line, *values in page_sql.page_answers(
                assessment.pk, category.pk
            )
        ]
        evidence = deployment_evidence(assessment.deployment_id)
        # By title, as the evidence is ordered (links to another deployment's items last).
        order = {pk: position for position, pk in enumerate(evidence)}
        links = defaultdict(list)
        for answer_id, evidence_id in sorted(
            page_sql.links([a.pk for a in answers]),
            key=lambda pair: (order.get(pair[1], len(order)), pair[1]),
        ):
            links[answer_id].append(evidence_id)
        page = cls(assessment, categories, category, answers, evidence, links=links)
        if shown:
            page.read_shown()
        return page

    def read_shown(self) -> None:
        """Read what only a shown page needs: the criteria's guides (from the cache) and each
        category's progress (one query). Once."""
        if self.complete:
            return
        assessment = self.assessment
        self.guides = criterion_guides(assessment.framework_version, self.category, self.answers)
        progress = page_sql.progress(assessment.pk)
        for each in self.categories:
            each.progress = progress.get(each.pk, {"total": 0, "answered": 0})
        self.complete = True

    def linked_ids(self, answer: PageAnswer) -> list[int]:
        return sorted(self.links.get(answer.pk, ()))

    def linked(self, answer: PageAnswer) -> list[EvidenceChoice]:
        return [self.evidence[pk] for pk in self.links.get(answer.pk, ()) if pk in self.evidence]

    @property
    def linkable(self) -> list[tuple[int, EvidenceChoice]]:
        """The deployment's evidence that can be linked to more answers: all but retired."""
        return [(pk, item) for pk, item in self.evidence.items() if not item.retired]

    @property
    def next_category(self) -> Category | None:
        index = self.categories.index(self.category)
        return self.categories[index + 1] if index + 1 < len(self.categories) else None

    def url(self, category: Category | None = None) -> str:
        return (category or self.category).url

    def answer_for(self, criterion: str) -> PageAnswer:
        answer = next((a for a in self.answers if a.criterion.code == criterion), None)
        if answer is None:
            raise Http404("No such criterion on this page.")
        return answer

    def forms(self, data=None) -> list[AnswerForm]:
        linkable = self.linkable
        forms = []
        for answer in self.answers:
            linked = self.linked_ids(answer)
            # Retired evidence stays valid where it is already linked, and nowhere else.
            retired = [(pk, self.evidence[pk]) for pk in linked if self.evidence[pk].retired]
            forms.append(
                AnswerForm(data, answer=answer, evidence_choices=linkable + retired, linked=linked)
            )
        return forms


def deployment_evidence(deployment_id: int) -> dict[int, EvidenceChoice]:
    """Every evidence item of a deployment as choices, by title, in one query."""
    # Reversed once, not once per item: the id is the last path segment.
    head, _, tail = (optional_url("reviews:evidence", 0) or "").rpartition("/0/")
    kinds = dict(EvidenceKind.choices)
    return {
        pk: EvidenceChoice(
            pk=pk,
            title=title,
            kind=kinds.get(kind, kind),
            citation=citation,
            url=f"{head}/{pk}/{tail}" if head else None,
            retired=retired_at is not None,
        )
        for pk, title, kind, citation, retired_at in page_sql.deployment_evidence(deployment_id)
    }


def _load(request, pk: int, code: str, action: Action, shown=True, states=False):
    """The page of an assessment the user may `action`: 404 outside their offices, 403
    without the right. `states`: the assessment comes with whether it has review notes, a
    return and questions asked (a page shown without them skips their queries); a save,
    which redirects, reads none of it."""
    found = (PAGE_ASSESSMENT if states else SAVE_ASSESSMENT).get(pk)
    assessment = permissions.allow_fetched(request.user, found, action)
    return CategoryPage.load(assessment, code, shown=shown)


def _load_to_save(request, pk: int, code: str):
    """A page to save: a refused save reads the rest when it shows the page again."""
    return _load(request, pk, code, Action.EDIT, shown=False)


# Jinja2 (WIDGET_RENDERER): the rows are most of a page's template work.
ROW_TEMPLATES = {
    True: "reviews/_assessment_answer_row.html",
    False: "reviews/_assessment_answer_readonly_row.html",
}
ROW_CACHE_SECONDS = 3600
CATEGORY_NAV = "reviews/_assessment_category_nav.html"  # Jinja2, like the rows


def _rows(request, page: CategoryPage, forms: list[AnswerForm] | None, editable: bool):
    """The HTML of every criterion, rendered row by row from its row template: its answer,
    guide, linked evidence and, to editors, its form and evidence buttons.

    A row is cached by everything it shows (the answer's version moves on with every save or
    link; the linked items' titles, kinds and retirement, the review state are in the key),
    so a page renders only the rows that changed since it was last shown. Rows of a refused
    save (bound forms, with errors) are always rendered afresh."""
    assessment = page.assessment
    answer_ids = [answer.pk for answer in page.answers]
    # Read with its states (`_load`), the assessment says whether it has notes, a return and
    # questions asked; after a refused save they are looked up.
    reviewed = getattr(assessment, "reviewed", None)
    reviews = page_reviews(assessment.pk, answer_ids, reviewed=reviewed)
    review_links = may_raise_notes(request.user, assessment)
    # Each criterion's latest question to the operator, if one was sent (one query).
    asked = {}
    if getattr(assessment, "asked", True):
        codes = [answer.criterion.code for answer in page.answers]
        asked = question_links.for_deployment(assessment.deployment_id, codes)
    adds = editable and optional_url("reviews:evidence_create", assessment.deployment_id)
    # What a row shows of each linked item, written once for the page. The row's assessment,
    # category and criterion come with its answer's id (and its buttons' addresses with them).
    shown = {pk: repr(item) for pk, item in page.evidence.items()}
    prefix = f"reviews:row:{_templates_digest()}:{int(editable)}:{int(bool(adds))}:"
    rows = []
    for answer in page.answers:
        review = reviews[answer.pk]
        row = {"answer": answer, "criterion": answer.criterion, "review": review}
        row["asked"] = asked.get(answer.criterion.code)
        state = (
            answer.version,
            answer.updated_by_name,
            str(answer.updated_at),
            [shown.get(pk) for pk in page.links.get(answer.pk, ())],
            review.edited_after_review,
            [(note.pk, note.raised_by_name, note.text) for note in review.notes],
            review_links,
            row["asked"],
        )
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:32]
        row["key"] = f"{prefix}{answer.pk}:{digest}"
        rows.append(row)
    cached = {} if forms else fragments.get_many([row["key"] for row in rows])
    missing = [row for row in rows if row["key"] not in cached]
    if missing:
        fresh = _render_rows(page, missing, forms, editable, review_links, adds=bool(adds))
        if not forms:
            fragments.set_many(fresh, ROW_CACHE_SECONDS)
        cached |= fresh
    # One string for the page's template to write (rendered by templates, so safe).
    return mark_safe("".join(cached[row["key"]] for row in rows))  # noqa: S308


def _render_rows(page, rows, forms, editable: bool, review_links: bool, adds: bool) -> dict:
    """row key -> the row's HTML, for the rows not in the cache (or all, after a refused save)."""
    template = WIDGET_RENDERER.template(ROW_TEMPLATES[editable])
    by_answer = {form.answer.pk: form for form in forms or page.forms()} if editable else {}
    # Reversed once; "{code}" stands for each criterion's code.
    args = [page.assessment.pk, page.category.code, "{code}"]
    urls = {
        name: reverse(f"reviews:assessment_category_{name}", args=args).replace(
            "%7Bcode%7D", "{code}"
        )
        for name in ("save_then_link", "save_then_evidence")
    }
    # The notes page, for the rows' note links: reversed once, when a row links to it.
    noted = review_links or any(row["review"].notes for row in rows)
    notes_url = reverse("team:notes", args=[page.assessment.pk]) if noted else ""
    fresh = {}
    for row in rows:
        answer = row["answer"]
        if editable:
            code = quote(answer.criterion.code)
            row["form"] = by_answer[answer.pk]
            row["save_then_link_url"] = urls["save_then_link"].replace("{code}", code)
            if adds:
                row["save_then_evidence_url"] = urls["save_then_evidence"].replace("{code}", code)
        row["linked"] = page.linked(answer)
        # Rendered by templates (reviews/guides.py), so safe.
        guide = page.guides[answer.criterion.pk]
        row["question"], row["guidance"] = mark_safe(guide.question), mark_safe(guide.details)  # noqa: S308
        context = {"row": row, "review_links": review_links, "notes_url": notes_url}
        fresh[row["key"]] = template.render(context)
    return fresh


@functools.cache
def _templates_digest() -> str:
    """What the row templates are made of, so a changed template is never served from the
    cache (the criterion's guide has its own version in reviews/guides.py)."""
    names = ("reviews/_evidence_item.html", "reviews/_evidence_picker_dialog.html")
    sources = "".join(get_template(name).template.source for name in names)
    # The rows, their partial and the answer form's widget templates (Jinja2).
    env = WIDGET_RENDERER.engine.env
    widgets = [field.widget for field in AnswerForm.base_fields.values()]
    jinja_names = {
        *ROW_TEMPLATES.values(),
        "followup/_criterion_asked.html",
        *(widget.template_name for widget in widgets),
        *(getattr(widget, "option_template_name", None) or "" for widget in widgets),
    } - {""}
    for name in sorted(jinja_names):
        sources += env.loader.get_source(env, name)[0]
    return hashlib.sha256(f"{GUIDE_VERSION}{sources}".encode()).hexdigest()[:12]


def _render(request, page: CategoryPage, forms: list[AnswerForm] | None = None, status=200):
    """The page; `forms` only after a refused save, to show what was submitted and why not."""
    page.read_shown()
    assessment = page.assessment
    can_edit = permissions.may_edit_answers(request.user, assessment)
    last_code = page.answers[-1].criterion.code if page.answers else ""
    overview_url = assessment.get_absolute_url()
    nav = {"categories": page.categories, "current": page.category, "overview_url": overview_url}
    context = {
        "assessment": assessment,
        "page": page,
        "rows": _rows(request, page, forms, can_edit),
        "category_nav": mark_safe(WIDGET_RENDERER.template(CATEGORY_NAV).render(nav)),  # noqa: S308
        "errors": [form for form in forms or () if form.errors],
        "summary": _error_summary(forms or ()),
        "can_edit": can_edit,
        "linkable": page.linkable if can_edit else [],
        # The picker dialog is cached by what it lists (all of the deployment's linkable items).
        "evidence_key": hashlib.sha256(
            repr((_templates_digest(), page.linkable)).encode()
        ).hexdigest()[:32],
        "overview_url": overview_url,
        "next_unanswered_url": reverse("reviews:assessment_next_unanswered", args=[assessment.pk])
        + f"?after={last_code}",
    }
    returning = getattr(assessment, "latest_step", StepKind.RETURNED) == StepKind.RETURNED
    step = returned.latest_return(assessment) if returning else None
    codes = [category.code for category in page.categories]
    if step is not None and returned.concerns(step.comment, page.category.code, codes):
        context["returned"] = step
    return render(request, "reviews/assessment_category.html", context, status=status)


def _back_to(page: CategoryPage, criterion: str) -> str:
    """This page at one criterion (not request.path: it may be a POST-only save URL)."""
    return page.url() + "#criterion-" + quote(criterion)


def _add_evidence_url(page: CategoryPage, criterion: str) -> str | None:
    """The add-evidence form, linking the new item to one criterion and coming back to it."""
    url = optional_url("reviews:evidence_create", page.assessment.deployment_id)
    if url is None:
        return None
    query = {"assessment": page.assessment.pk, "criterion": criterion}
    back = quote(page.url() + "#criterion-", safe="/") + quote(criterion)
    return f"{url}?{urlencode(query)}&next={back}"


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
        page = _load_to_save(request, pk, code)
        return _save(request, page, request.POST, then=page.url())
    page = _load(request, pk, code, Action.VIEW, states=True)
    return _render(request, page)


@require_POST
def assessment_category_save_next(request, pk, code):
    page = _load_to_save(request, pk, code)
    following = page.next_category
    then = page.url(following) if following else page.assessment.get_absolute_url()
    return _save(request, page, request.POST, then=then)


@require_POST
def assessment_category_save_then_evidence(request, pk, code, criterion):
    """Save the page first (so nothing typed is lost), then add evidence for one criterion;
    the evidence form links it and comes back to the criterion on this page."""
    page = _load_to_save(request, pk, code)
    page.answer_for(criterion)
    add = _add_evidence_url(page, criterion)
    return _save(request, page, request.POST, then=add or page.url())


@require_POST
def assessment_category_save_then_link(request, pk, code, criterion):
    """The "Link evidence" button without JavaScript: save the page first (so nothing typed
    is lost), then open the picker of that criterion, which comes back to it."""
    page = _load_to_save(request, pk, code)
    page.answer_for(criterion)
    picker = reverse("reviews:assessment_category_evidence", args=[pk, code, criterion])
    return _save(request, page, request.POST, then=picker)


def assessment_category_evidence(request, pk, code, criterion):
    """The evidence picker of one criterion as a page: the deployment's evidence that can
    still be linked to it, filtered by a search; linking saves and returns to the criterion."""
    page = _load(request, pk, code, Action.EDIT)
    answer = page.answer_for(criterion)
    if not page.assessment.is_draft:
        messages.error(request, "This assessment is not a draft: its evidence links are read-only.")
        return redirect(_back_to(page, criterion))
    linked = set(page.links.get(answer.pk, ()))
    choices = [(pk, item) for pk, item in page.linkable if pk not in linked]
    query = request.GET.get("q", "").strip()[:200]
    if request.method == "POST":
        form = EvidencePickForm(request.POST, choices=choices)
        if form.is_valid():
            picked = form.cleaned_data["evidence"]
            done = _link(request, page, answer, picked)
            if done:
                return redirect(_back_to(page, criterion))
    else:
        form = EvidencePickForm(choices=choices)
    shown = evidence_matching(choices, query)
    form.fields["evidence"].widget.choices = shown  # all of them stay valid
    context = {
        "assessment": page.assessment,
        "page": page,
        "answer": answer,
        "criterion": answer.criterion,
        "form": form,
        "query": query,
        "total": len(choices),
        "shown": len(shown),
        "linked": page.linked(answer),
        "back": _back_to(page, criterion),
        "add_evidence_url": _add_evidence_url(page, criterion),
    }
    return render(request, "reviews/assessment_evidence_picker.html", context)


def evidence_matching(choices: list[tuple[int, EvidenceChoice]], query: str) -> list:
    """The choices whose title, citation or kind holds every word of `query` (any case)."""
    words = query.casefold().split()
    if not words:
        return list(choices)
    return [
        (pk, item)
        for pk, item in choices
        if all(word in f"{item.title} {item.citation} {item.kind}".casefold() for word in words)
    ]


def _link(request, page: CategoryPage, answer: PageAnswer, picked: list[int]) -> bool:
    """Link `picked` to the answer as a save of that one answer (its version checked, one
    `answer.updated` event); False, with a message, when it was refused."""
    change = AnswerChange(
        answer_id=answer.pk,
        version=answer.version,
        status=answer.status,
        rationale=answer.rationale,
        recommendation=answer.recommendation,
        evidence=tuple(sorted(set(page.linked_ids(answer)) | set(picked))),
    )
    try:
        page.assessment.save_answers([change], by=request.user)
    except AnswerConflict:
        messages.error(
            request,
            f"{answer.criterion.code} was saved by someone else just now; nothing was linked. "
            "Tick the items again.",
        )
        return False
    except (ReadOnlyError, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, "Nothing was linked: " + text)
        return False
    titles = ", ".join(f"“{page.evidence[pk].title}”" for pk in picked)
    messages.success(request, f"Linked to {answer.criterion.code}: {titles}.")
    return True


@require_POST
def assessment_category_resolve(request, pk, code):
    """Re-post a page after a conflict, keeping the stored or applying the submitted answers."""
    page = _load_to_save(request, pk, code)
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
    titles = {pk: item.title for pk, item in page.evidence.items()}
    order = {pk: position for position, pk in enumerate(page.evidence)}

    def by_title(pk: int) -> tuple[int, int]:
        return (order.get(pk, len(order)), pk)

    rows = []
    for stored, submitted in conflict.conflicts:
        rows.append(
            {
                "prefix": f"a{stored.pk}",
                "criterion": stored.criterion,
                "stored": stored,
                "stored_status": scoring.STATUS_LABELS[stored.status],
                "stored_evidence": [
                    titles.get(pk, f"#{pk}") for pk in sorted(stored.evidence_ids(), key=by_title)
                ],
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
