"""Each criterion's guide (question, guidance, rubric, references) as HTML, rendered once per
category of a framework version and cached: a published version never changes."""

from collections import defaultdict
from typing import NamedTuple

from django.template.loader import render_to_string

from safeguards.catalog.models import Reference, Severity
from safeguards.fragments import fragments

SEVERITY_LABELS = dict(Severity.choices)
# Raise when `_criterion_question.html` or `_assessment_criterion.html` changes, so no cache
# serves the old markup.
GUIDE_VERSION = 2
GUIDE_FIELDS = ("question", "guidance", "met", "partial", "not_met")  # read only to render a guide
GUIDE_CACHE_SECONDS = 24 * 3600


class Guide(NamedTuple):
    """A criterion's guide in two parts: the question answered (shown above the answer) and
    the framework's guidance, rubric and references (a disclosure beside or below it)."""

    question: str
    details: str


def guides(version, category, answers) -> dict[int, Guide]:
    """criterion id -> its guide rendered by `_criterion_question.html` and
    `_assessment_criterion.html`, cached per category of a framework version (its source
    hash is in the key, so a version made again under the same id is not served another's
    text)."""
    key = f"reviews:guides:{GUIDE_VERSION}:{version.pk}:{version.source_sha256}:{category.pk}"
    cached = fragments.get(key)
    if cached is not None and all(answer.criterion_id in cached for answer in answers):
        return cached
    references = defaultdict(list)
    for row in (
        Reference.objects.filter(criterion__category=category)
        .order_by("criterion_id", "position")
        .values("criterion_id", "source", "section", "note", "url")
    ):
        references[row.pop("criterion_id")].append(row)
    cached = {}
    for criterion in category.criteria.all():
        context = {
            "criterion": criterion,
            "severity": SEVERITY_LABELS.get(criterion.severity),
            "weight": criterion.effective_weight,
            "references": references[criterion.pk],
        }
        cached[criterion.pk] = Guide(
            render_to_string("reviews/_criterion_question.html", context),
            render_to_string("reviews/_assessment_criterion.html", context),
        )
    fragments.set(key, cached, GUIDE_CACHE_SECONDS)
    return cached
