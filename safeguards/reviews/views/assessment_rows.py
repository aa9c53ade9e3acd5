"""The category page's rows: each criterion's answer as plain values, its radio buttons and
evidence checkboxes as ready HTML.

A page lists every evidence item of the deployment under every criterion (60 criteria × 20 items
is 1,200 checkboxes), so rendering them through form widgets or template loops cost ~100 ms a
page (docs/benchmarks.md). Here every text is escaped once per page and each control is one
f-string; the ids, names and ARIA attributes are the ones Django's widgets would give.
"""

from collections import defaultdict
from urllib.parse import quote

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from safeguards.catalog.models import Reference, Severity

from ..forms.assessments import AnswerForm
from ..models import Answer

STATUS_CHOICES = [
    (value, escape(label)) for value, label in AnswerForm.base_fields["status"].choices
]
SEVERITY_LABELS = dict(Severity.choices)
# Raise when `_assessment_criterion.html` changes, so no cache serves the old markup.
GUIDE_VERSION = 1
GUIDE_FIELDS = ("question", "guidance", "met", "partial", "not_met")  # read only to render a guide
GUIDE_CACHE_SECONDS = 24 * 3600


def rows(page, forms: list[AnswerForm] | None, editable: bool, add_evidence: str | None) -> list:
    """One dict per criterion of a CategoryPage. With `forms` (a refused save) the controls
    show what was submitted and the errors; without, what is stored. `add_evidence`: the
    add-evidence URL with its query up to the criterion's code, when there is one."""
    choices = evidence_choices(page.evidence) if editable else []
    # Reversed once; "{code}" stands for each criterion's code.
    save_then = reverse(
        "reviews:assessment_category_save_then_evidence",
        args=[page.assessment.pk, page.category.code, "{code}"],
    ).replace("%7Bcode%7D", "{code}")
    result = []
    for index, answer in enumerate(page.answers):
        criterion = answer.criterion
        links = page.links.get(answer.pk, [])
        row = {
            "answer": answer,
            "criterion": criterion,
            "guide": mark_safe(page.guides[criterion.pk]),  # noqa: S308 (rendered by a template)
            "linked": links,
        }
        if editable:
            form = forms[index] if forms else None
            row.update(fields(answer, form, choices, {str(pk) for pk, _, _ in links}))
            if add_evidence:
                row["evidence_create_url"] = add_evidence.replace("{code}", quote(criterion.code))
                row["save_then_evidence_url"] = save_then.replace("{code}", quote(criterion.code))
        result.append(row)
    return result


def guides(version, category, answers: list[Answer]) -> dict[int, str]:
    """criterion id -> its guide rendered by `_assessment_criterion.html`, cached per category
    of a framework version: a published version never changes (its source hash is in the key,
    so a version made again under the same id is not served another's text)."""
    key = f"reviews:guides:{GUIDE_VERSION}:{version.pk}:{version.source_sha256}:{category.pk}"
    cached = cache.get(key)
    if cached is not None and all(answer.criterion_id in cached for answer in answers):
        return cached
    references = defaultdict(list)
    for row in (
        Reference.objects.filter(criterion__category=category)
        .order_by("criterion_id", "position")
        .values("criterion_id", "source", "section", "note", "url")
    ):
        references[row.pop("criterion_id")].append(row)
    cached = {
        criterion.pk: render_to_string(
            "reviews/_assessment_criterion.html",
            {
                "criterion": criterion,
                "severity": SEVERITY_LABELS.get(criterion.severity),
                "weight": criterion.effective_weight,
                "references": references[criterion.pk],
            },
        )
        for criterion in category.criteria.all()
    }
    cache.set(key, cached, GUIDE_CACHE_SECONDS)
    return cached


def evidence_choices(evidence) -> list[tuple[str, str, str]]:
    """(value, label HTML, "open" link HTML) of each evidence item, escaped once for the page."""
    choices = []
    for item in evidence:
        label = escape(item.title) + (f" ({escape(item.citation)})" if item.citation else "")
        link = ""
        if item.link:
            link = (
                f'\n<a class="small ms-1" href="{escape(item.link)}">open'
                f'<span class="visually-hidden"> {escape(item.title)}</span></a>'
            )
        choices.append((str(item.pk), label, link))
    return choices


def fields(answer: Answer, form: AnswerForm | None, evidence, linked: set[str]) -> dict:
    """The values of one answer's controls: as stored, or as submitted with their errors."""
    prefix = f"a{answer.pk}"
    if form is None:
        status, version = answer.status, answer.version
        rationale, recommendation = answer.rationale, answer.recommendation
        selected, lacks, errors = linked, answer.lacks_recommendation, {}
    else:
        status, rationale, recommendation, version = (
            form[name].value() for name in ("status", "rationale", "recommendation", "version")
        )
        selected = {str(value) for value in form["evidence"].value() or ()}
        lacks, errors = form.lacks_recommendation, form.errors
    # A missing key reads as "" in the template (a failed lookup there is slow).
    joined = defaultdict(str, {name: " ".join(messages) for name, messages in errors.items()})
    return {
        "prefix": prefix,
        "id": f"id_{prefix}",
        "status_choices": status_radios(prefix, str(status), invalid=bool(joined["status"])),
        "evidence_choices": evidence_checkboxes(prefix, evidence, selected),
        "rationale": "" if rationale is None else rationale,
        "recommendation": "" if recommendation is None else recommendation,
        "version": "" if version is None else str(version),
        "lacks_recommendation": lacks,
        "errors": joined,
        "version_errors": errors.get("version", ()),
    }


def status_radios(prefix: str, current: str, *, invalid: bool) -> SafeString:
    field = f"id_{prefix}-status"
    css, aria = "form-check-input", ""
    if invalid:
        css += " is-invalid"
        aria = f' aria-invalid="true" aria-describedby="{field}-error"'
    return mark_safe(
        "".join(
            f'\n        <div class="form-check">\n          <input class="{css}" type="radio" '
            f'name="{prefix}-status" id="{field}_{n}" value="{value}"'
            f"{' checked' if value == current else ''}{aria}>\n"
            f'          <label class="form-check-label" for="{field}_{n}">{label}</label>'
            "\n        </div>"
            for n, (value, label) in enumerate(STATUS_CHOICES)
        )
    )


def evidence_checkboxes(prefix: str, evidence, selected: set[str]) -> SafeString:
    # No indentation: at 60 criteria × 20 items every byte is written 1,200 times.
    field = f"id_{prefix}-evidence"
    return mark_safe(
        "".join(
            f'<div class="form-check">\n<input class="form-check-input" '
            f'type="checkbox" name="{prefix}-evidence" id="{field}_{n}" value="{value}"'
            f"{' checked' if value in selected else ''}>\n"
            f'<label class="form-check-label" for="{field}_{n}">{label}</label>'
            f"{link}\n</div>\n"
            for n, (value, label, link) in enumerate(evidence)
        )
    )
