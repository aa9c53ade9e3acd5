"""Evidence of one deployment: list, add (optionally linked to an answer), detail, download."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from safeguards.accounts.models import Office
from safeguards.accounts.permissions import Action, allow_fetched, can, get_for_user
from safeguards.reviews import once, uploads
from safeguards.reviews.forms.evidence import EvidenceForm, StorageUnavailable
from safeguards.reviews.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Deployment,
    Evidence,
    ReadOnlyError,
)
from safeguards.reviews.row_sql import Part, RowSQL
from safeguards.reviews.sorting import COUNTS, DATES, Column, sort_by

from .corrections import safe_file_response

PAGE_SIZE = 25
# The evidence form's deployment: written out (row_sql), as the form is opened before every
# upload and the ORM took longer to build the join than the database to answer it.
DEPLOYMENT_WITH_OFFICE = RowSQL(Part(Deployment), related=(Part(Office, "office"),))
logger = logging.getLogger(__name__)


LIST_COLUMNS = [
    Column("Title", "title", ("title",)),
    Column("Kind", "kind", ("kind", "title")),
    Column("Citation", "citation", ("citation", "title")),
    Column(
        "Retrieved", "retrieved", ("retrieved_on", "title"), descending_first=True, orders=DATES
    ),
    Column("File", "file", ("file_name", "title")),
    Column("Answers", "answers", ("answer_count", "title"), descending_first=True, orders=COUNTS),
]


def evidence_list(request, pk):
    deployment = get_for_user(request.user, Deployment.objects.select_related("office"), pk=pk)
    sorting = sort_by(request.GET.get("sort"), LIST_COLUMNS, default="title")
    evidence = deployment.evidence.annotate(answer_count=Count("answers"))
    evidence = evidence.order_by(*sorting.ordering)
    return render(
        request,
        "reviews/evidence_list.html",
        {
            "deployment": deployment,
            "page": Paginator(evidence, PAGE_SIZE).get_page(request.GET.get("page")),
            "can_edit": can(request.user, Action.EDIT, deployment.office_id),
            "sorting": sorting,
        },
    )


def answer_to_link(request, deployment) -> tuple[Answer | None, str]:
    """The answer named by ?assessment=<pk>&criterion=<code>, or why it cannot be linked."""
    pk, code = request.GET.get("assessment", ""), request.GET.get("criterion", "")
    code = code.replace("\x00", "")  # no code has one, and PostgreSQL refuses it in a query
    if not pk and not code:
        return None, ""
    if not pk.isdigit() or not code:
        return None, "The link to an answer is incomplete, so the evidence will not be linked."
    assessment = get_for_user(request.user, Assessment, Action.EDIT, pk=int(pk))
    if assessment.deployment_id != deployment.pk:
        return None, "That assessment is of another deployment, so the evidence will not be linked."
    if assessment.status != AssessmentStatus.DRAFT:
        return None, "That assessment is not a draft, so the evidence will not be linked to it."
    answer = (
        Answer.objects.select_related("criterion", "assessment")
        .filter(assessment=assessment, criterion__code=code)
        .first()
    )
    if answer is None:
        return None, "That assessment has no such criterion, so the evidence will not be linked."
    return answer, ""


def link_to_answer(request, evidence, answer) -> None:
    try:
        answer.link_evidence(evidence, by=request.user)
    except ReadOnlyError:
        messages.warning(request, "The assessment is no longer a draft, so nothing was linked.")
    else:
        messages.success(request, f"Linked to {answer.criterion.code} of “{answer.assessment}”.")


def evidence_create(request, pk):
    deployment = allow_fetched(request.user, DEPLOYMENT_WITH_OFFICE.get(pk), Action.EDIT)
    answer, link_problem = answer_to_link(request, deployment)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    context = {"form": form, "deployment": deployment, "answer": answer}
    context["link_problem"] = link_problem
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                claimed = once.claim(request)
                evidence = form.save_for(deployment, request.user)
                once.made(claimed, evidence)
        except once.AlreadyUsed as error:
            return once.refused(request, error)
        except StorageUnavailable as error:  # no row, no file: say so by the field, not a 500
            logger.error("Evidence file not stored for deployment %s: %s", deployment.pk, error)
            form.add_error("upload", StorageUnavailable.message)
            context["once"] = once.token_of(request)
            return render(request, "reviews/evidence_form.html", context, status=503)
        messages.success(request, f"Evidence “{evidence.title}” added.")
        if answer is not None:
            link_to_answer(request, evidence, answer)
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Not redirect(): it would take a word such as ?next=home for a view name.
            return HttpResponseRedirect(next_url)
        return redirect(evidence)
    context["once"] = once.token_of(request)
    return render(request, "reviews/evidence_form.html", context)


def evidence_detail(request, pk):
    evidence = get_for_user(
        request.user,
        Evidence.objects.select_related("deployment", "office", "added_by", "retired_by"),
        pk=pk,
    )
    answers = evidence.answers.select_related(
        "assessment", "criterion", "assessment__framework_version"
    ).order_by("-assessment__as_of", "-assessment_id", "criterion__position")
    return render(
        request,
        "reviews/evidence_detail.html",
        {
            "evidence": evidence,
            "answers": answers,
            "type_label": uploads.LABELS.get(evidence.file_type, evidence.file_type),
            "download_name": uploads.download_name(
                evidence.file_name or "evidence", evidence.file_type
            ),
            "earlier_files": evidence.earlier_files.select_related("replaced_by"),
            "can_edit": can(request.user, Action.EDIT, evidence.office_id),
        },
    )


def evidence_download(request, pk):
    evidence = get_for_user(request.user, Evidence, pk=pk)
    if not evidence.file:
        raise Http404("This evidence has no file.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing; tell your administrator.") from None
    return safe_file_response(handle, evidence.file_name, evidence.file_type)
