"""Each criterion's guide (question, guidance, rubric, references) as HTML, rendered once per
category of a framework version and cached: a published version never changes."""

from collections import defaultdict

from django.core.cache import cache
from django.template.loader import render_to_string

from safeguards.catalog.models import Reference, Severity

SEVERITY_LABELS = dict(Severity.choices)
# Raise when `_assessment_criterion.html` changes, so no cache serves the old markup.
GUIDE_VERSION = 1
GUIDE_FIELDS = ("question", "guidance", "met", "partial", "not_met")  # read only to render a guide
GUIDE_CACHE_SECONDS = 24 * 3600


def guides(version, category, answers) -> dict[int, str]:
    """criterion id -> its guide rendered by `_assessment_criterion.html`, cached per category
    of a framework version (its source hash is in the key, so a version made again under the
    same id is not served another's text)."""
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
