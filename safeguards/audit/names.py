"""What audit events point at, in words: targets, people and linked evidence named and linked.

An event stores only a model name and an id ("reviews.answer", "70"); a page of events is named
in bulk, one query per kind of target on the page (plus one for the people and one for the
evidence its changes mention), never one per event. Only records of the offices the reader may
see are named; anything else (deleted since, or another office's) keeps its plain "answer 70".
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from safeguards.accounts.models import display_name

from .models import Event


@dataclass(frozen=True)
class Named:
    text: str
    url: str = ""
    detail: str = ""  # where it sits, e.g. "in Assessment 2026"


def _ids(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values if str(v).isascii() and str(v).isdigit()})


def _answers(ids, offices):
    rows = (
        apps.get_model("reviews.Answer")
        .objects.filter(pk__in=ids, assessment__office_id__in=offices)
        .values(
            "pk",
            "assessment_id",
            "assessment__title",
            "criterion__code",
            "criterion__title",
            "criterion__category__code",
        )
    )
    return {
        row["pk"]: Named(
            f"{row['criterion__code']} {row['criterion__title']}",
            reverse(
                "reviews:assessment_category",
                args=[row["assessment_id"], row["criterion__category__code"]],
            )
            + f"#criterion-{row['criterion__code']}",
            f"in {row['assessment__title']}",
        )
        for row in rows
    }


def _simple(model: str, text: str, url_name: str, office_field: str = "office_id"):
    def named(ids, offices):
        rows = apps.get_model(model).objects.filter(pk__in=ids, **{f"{office_field}__in": offices})
        return {
            row["pk"]: Named(row[text], reverse(url_name, args=[row["pk"]]))
            for row in rows.values("pk", text)
        }

    return named


def _framework_versions(ids, offices):
    rows = apps.get_model("catalog.FrameworkVersion").objects.filter(pk__in=ids)
    return {
        row["pk"]: Named(
            f"{row['title']}, version {row['version']}",
            reverse("catalog:framework_version", args=[row["framework__slug"], row["version"]]),
        )
        for row in rows.values("pk", "title", "version", "framework__slug")
    }


def _memberships(ids, offices):
    rows = (
        apps.get_model("accounts.Membership")
        .objects.filter(pk__in=ids, office_id__in=offices)
        .select_related("user__profile")
    )
    return {row.pk: Named(f"Membership of {display_name(row.user)}") for row in rows}


def _offices(ids, offices):
    rows = apps.get_model("accounts.Office").objects.filter(pk__in=ids).filter(pk__in=offices)
    return {row["pk"]: Named(row["name"]) for row in rows.values("pk", "name")}


def _report_versions(ids, offices):
    rows = apps.get_model("reports.ReportVersion").objects.filter(pk__in=ids, office_id__in=offices)
    return {
        row["pk"]: Named(
            f"Report version {row['number']}",
            reverse("reviews:assessment", args=[row["assessment_id"]]),
            f"of {row['assessment__title']}",
        )
        for row in rows.values("pk", "number", "assessment_id", "assessment__title")
    }


NAMERS: dict[str, Callable] = {
    "reviews.answer": _answers,
    "reviews.assessment": _simple("reviews.Assessment", "title", "reviews:assessment"),
    "reviews.deployment": _simple("reviews.Deployment", "name", "reviews:deployment"),
    "reviews.evidence": _simple("reviews.Evidence", "title", "reviews:evidence"),
    "followup.recommendation": _simple(
        "followup.Recommendation", "number", "followup:recommendation"
    ),
    "catalog.frameworkversion": _framework_versions,
    "accounts.membership": _memberships,
    "accounts.office": _offices,
    "reports.reportversion": _report_versions,
}


def plain_target(target_type: str, target_id: str) -> str:
    """'answer 12' from 'reviews.answer' and '12', without a query."""
    if not target_type:
        return ""
    try:
        name = str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = target_type
    return f"{name} {target_id}".strip()


def evidence_ids(event: Event) -> set[int]:
    """The evidence an answer event's before/after data mentions (its `evidence` lists)."""
    found: set[int] = set()
    for data in (event.before, event.after):
        if isinstance(data, dict) and isinstance(data.get("evidence"), list):
            found.update(v for v in data["evidence"] if isinstance(v, int))
    return found


class Names:
    """The names of everything a batch of events mentions, read in a few queries."""

    def __init__(self, events: list[Event], offices: Iterable[int]):
        offices = list(offices)
        wanted: dict[str, set] = defaultdict(set)
        for event in events:
            if event.target_type in NAMERS and event.target_id:
                wanted[event.target_type].add(event.target_id)
            wanted["reviews.evidence"].update(evidence_ids(event))
        self.targets: dict[tuple[str, int], Named] = {}
        for target_type, ids in wanted.items():
            ids = _ids(ids)
            if ids:
                for pk, named in NAMERS[target_type](ids, offices).items():
                    self.targets[target_type, pk] = named
        actor_ids = {event.actor_id for event in events if event.actor_id}
        users = get_user_model().objects.filter(pk__in=actor_ids).select_related("profile")
        self.people = {user.pk: display_name(user) for user in users} if actor_ids else {}

    def target(self, event: Event) -> Named | None:
        if not event.target_type:
            return None
        target_id = str(event.target_id)
        pk = int(target_id) if target_id.isascii() and target_id.isdigit() else None
        named = self.targets.get((event.target_type, pk))
        return named or Named(plain_target(event.target_type, target_id))

    def evidence(self, pk: int) -> Named:
        return self.targets.get(("reviews.evidence", pk)) or Named(f"evidence {pk}")

    def person(self, event: Event) -> str:
        """The actor's display name; the username kept on the event if the account is gone."""
        if event.actor_id in self.people:
            return self.people[event.actor_id]
        return event.actor_username or "the system"
