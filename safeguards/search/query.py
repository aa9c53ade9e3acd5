"""Search across the user's offices: deployments, assessments, answers and evidence, by kind.

Every kind starts from `permissions.visible`, so another office's records are never matched.
Each word of the query must occur (case-insensitively) in one of the kind's fields, so
"face recognition" finds "face-recognition".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from safeguards.accounts.permissions import visible
from safeguards.reviews.models import Answer, Assessment, Deployment, Evidence

MAX_WORDS = 8
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # plural, as a heading
    fields: tuple[str, ...]  # searched, and read to show where the words occur
    records: Callable[[object], QuerySet]
    shown: tuple[str, ...]  # read besides `fields`, for the result line
    title: str = ""  # the field a result line shows as its link (no snippet needed for it)
    # Records left out unless archived ones are asked for: archived deployments and
    # assessments (and what belongs to them), retired evidence, as their lists leave them out.
    current: Q = Q()


def _deployments(user) -> QuerySet:
    return visible(user, Deployment.objects.select_related("office"))


def _assessments(user) -> QuerySet:
    return visible(user, Assessment.objects.select_related("deployment", "framework_version"))


def _answers(user) -> QuerySet:
    return (
        visible(user, Answer.objects.all(), "assessment__office")
        .select_related("criterion__category", "assessment__deployment")
        .order_by("-assessment__as_of", "-assessment_id", "criterion__position")
    )


def _evidence(user) -> QuerySet:
    return visible(user, Evidence.objects.select_related("deployment"))


KINDS = (
    Kind(
        "deployments",
        "Deployments",
        (
            "name",
            "operator",
            "vendor",
            "technology",
            "contract_reference",
            "purposes",
            "units_with_access",
            "data_sources",
            "connected_systems",
            "notes",
        ),
        _deployments,
        ("office_id", "office__name", "archived_at"),
        title="name",
        current=Q(archived_at__isnull=True),
    ),
    Kind(
        "assessments",
        "Assessments",
        ("title", "executive_summary"),
        _assessments,
        (
            "office_id",
            "as_of",
            "status",
            "deployment__name",
            "framework_version__title",
            "archived_at",
            "deployment__archived_at",
        ),
        title="title",
        current=Q(archived_at__isnull=True, deployment__archived_at__isnull=True),
    ),
    Kind(
        "answers",
        "Criterion answers",
        ("rationale", "recommendation"),
        _answers,
        (
            "status",
            "criterion__code",
            "criterion__title",
            "criterion__category__code",
            "assessment__title",
            "assessment__office_id",
            "assessment__deployment__name",
            "assessment__archived_at",
            "assessment__deployment__archived_at",
        ),
        current=Q(
            assessment__archived_at__isnull=True, assessment__deployment__archived_at__isnull=True
        ),
    ),
    Kind(
        "evidence",
        "Evidence",
        ("title", "citation", "url", "excerpt", "file_name"),
        _evidence,
        ("office_id", "kind", "deployment__name", "retired_at", "deployment__archived_at"),
        title="title",
        current=Q(retired_at__isnull=True, deployment__archived_at__isnull=True),
    ),
)
KIND_KEYS = tuple(kind.key for kind in KINDS)


def words(query: str) -> list[str]:
    """The distinct words of a query, in order (at most MAX_WORDS; NUL dropped, PostgreSQL
    refuses it in a query)."""
    seen: dict[str, str] = {}
    for word in query.replace("\x00", "").split():
        seen.setdefault(word.lower(), word)
    return list(seen.values())[:MAX_WORDS]


def matching(queryset: QuerySet, fields: tuple[str, ...], query_words: list[str]) -> QuerySet:
    """Rows where every word occurs in at least one of the fields."""
    for word in query_words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


def results(user, kind: Kind, query_words: list[str], include_archived: bool = False) -> QuerySet:
    """The kind's matching records, reading only what a result line shows; archived and
    retired ones only when asked for (Kind.current)."""
    records = kind.records(user) if include_archived else kind.records(user).filter(kind.current)
    return matching(records, kind.fields, query_words).only(*kind.shown, *kind.fields)


def where_found(record, kind: Kind, query_words: list[str]) -> tuple[str, "Snippet"] | None:
    """The field of a result holding most of the words, and the text around the first one;
    None when that is the title the result line already shows."""
    best, best_hits = None, 0
    for name in kind.fields:
        text = (getattr(record, name) or "").lower()
        hits = sum(word.lower() in text for word in query_words)
        if hits > best_hits:
            best, best_hits = name, hits
    if best is None or best == kind.title:
        return None
    found = snippet(getattr(record, best), query_words)
    return str(record._meta.get_field(best).verbose_name), found


@dataclass(frozen=True)
class Snippet:
    before: str
    match: str
    after: str


def snippet(text: str, query_words: list[str], width: int = SNIPPET_CHARS) -> Snippet | None:
    """The part of `text` around the first word found, for showing why a row matched."""
    if not query_words:
        return None
    found = re.search("|".join(re.escape(word) for word in query_words), text, re.IGNORECASE)
    if found is None:
        return None
    left = max(0, found.start() - width // 2)
    right = min(len(text), found.end() + width // 2)
    return Snippet(
        ("…" if left else "") + text[left : found.start()],
        found.group(),
        text[found.end() : right] + ("…" if right < len(text) else ""),
    )
