"""The one place that decides who may do what, in which office.

Views never test roles themselves: they fetch objects through `get_for_user` (outsiders get
404, members without the right get 403) and ask `can` before showing a control.
"""

from enum import StrEnum
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Membership, Office, Role


class Action(StrEnum):
    VIEW = "view"  # read deployments, assessments, reports, history
    EDIT = "edit"  # create and change deployments, assessments, answers, evidence
    APPROVE = "approve"  # approve or return an assessment in review
    MANAGE = "manage"  # office members and the office-wide audit log
    RESPOND = "respond"  # answer the requests and comment on the drafts sent to oneself


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.EDIT}),
    Role.APPROVER: frozenset({Action.VIEW, Action.EDIT, Action.APPROVE}),
    Role.ADMIN: frozenset({Action.VIEW, Action.EDIT, Action.APPROVE, Action.MANAGE}),
    # Not VIEW: a respondent reads nothing of the office's work, only what was sent to them.
    Role.RESPONDENT: frozenset({Action.RESPOND}),
}


def allows(role: str | None, action: Action) -> bool:
    """Whether a role (None: not a member) permits an action."""
    return role is not None and action in ROLE_ACTIONS.get(role, frozenset())


@cache
def _memberships_sql() -> str:
    """Written out: it runs on every request, and the ORM took three times as long to build
    this join as the database to answer it."""
    quote = connection.ops.quote_name
    member, office = Membership._meta, Office._meta
    return (
        f"SELECT m.{quote(member.get_field('office').column)},"
        f" m.{quote(member.get_field('role').column)}, o.{quote(office.get_field('name').column)}"
        f" FROM {quote(member.db_table)} m"
        f" JOIN {quote(office.db_table)} o ON o.{quote(office.pk.column)}"
        f" = m.{quote(member.get_field('office').column)}"
        f" WHERE m.{quote(member.get_field('user').column)} = %s"
    )


def roles_for(user) -> dict[int, str]:
    """Office id -> role for a user, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_safeguards_roles", None)
    if cached is None:
        # The office names come with the roles (one query) for the header's account menu.
        with connection.cursor() as cursor:
            cursor.execute(_memberships_sql(), [user.pk])
            rows = cursor.fetchall()
        cached = {office_id: role for office_id, role, _ in rows}
        user._safeguards_roles = cached
        user._safeguards_office_names = sorted(name for _, _, name in rows)
    return cached


def office_names(user) -> list[str]:
    """Names of the user's offices, alphabetical (read with their roles, no extra query)."""
    if not user.is_authenticated:
        return []
    roles_for(user)
    return getattr(user, "_safeguards_office_names", [])


def forget_roles(user) -> None:
    """Drop the cached roles, after a membership of this user changed."""
    user.__dict__.pop("_safeguards_roles", None)
    user.__dict__.pop("_safeguards_office_names", None)


def role_in(user, office: Office | int) -> str | None:
    office_id = office if isinstance(office, int) else office.pk
    return roles_for(user).get(office_id)


def can(user, action: Action, office: Office | int) -> bool:
    return allows(role_in(user, office), action)


def office_ids(user, action: Action = Action.VIEW) -> list[int]:
    return [office_id for office_id, role in roles_for(user).items() if allows(role, action)]


def offices_for(user, action: Action = Action.VIEW) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=office_ids(user, action))


def visible(user, queryset: QuerySet, office_field: str = "office") -> QuerySet:
    """Restrict a queryset to the offices the user belongs to."""
    return queryset.filter(**{f"{office_field}_id__in": office_ids(user)})


def get_for_user(
    user, queryset: QuerySet | type[Model], action: Action = Action.VIEW, **lookup
) -> Model:
    """Fetch an object of one of the user's offices: 404 for outsiders, 403 without the right.

    The object (or `queryset`'s model) must have an `office_id`.
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    obj = queryset.filter(office_id__in=office_ids(user)).filter(**lookup).first()
    return allow_fetched(user, obj, action)


def allow_fetched(user, obj: Model | None, action: Action = Action.VIEW) -> Model:
    """`get_for_user`'s rule for an object a view read itself, in written-out SQL where the
    ORM's building of the query costs more than the query: 404 unless the object is in one of
    the user's offices, 403 without the right."""
    if obj is None or obj.office_id not in office_ids(user):
        raise Http404("No such record in your offices.")
    if not can(user, action, obj.office_id):
        raise PermissionDenied("Your role in this office does not allow this.")
    return obj


def office_for_user(user, slug: str, action: Action = Action.VIEW) -> Office:
    office = Office.objects.filter(slug=slug, pk__in=office_ids(user)).first()
    if office is None:
        raise Http404("No such office among yours.")
    if not can(user, action, office):
        raise PermissionDenied("Your role in this office does not allow this.")
    return office


def published_office(slug: str) -> Office:
    """An office's published material (its signing trust anchor) is for anyone, signed in or
    not: readers of a report must be able to check it without an account here."""
    office = Office.objects.filter(slug=slug).first()
    if office is None:
        raise Http404("No such office.")
    return office


# Assessment object rules: what a member may do with one assessment in its current state.


def may_edit_answers(user, assessment) -> bool:
    """Score, link evidence, submit: reviewers and approvers, on a draft only."""
    return assessment.status == "draft" and can(user, Action.EDIT, assessment.office_id)


def may_mark_restricted(user, assessment) -> bool:
    """Mark values restricted: editors, until approval freezes the report."""
    return assessment.status != "approved" and can(user, Action.EDIT, assessment.office_id)


def may_review(user, assessment) -> bool:
    """Return to draft (or approve, see may_approve): approvers, on an assessment in review."""
    return assessment.status == "in_review" and can(user, Action.APPROVE, assessment.office_id)


def has_scored(user, assessment) -> bool:
    """Whether the user changed any answer of the assessment (then they may never approve it)."""
    from django.db.models import Q

    from safeguards.audit.models import Event
    from safeguards.reviews.models import Answer

    if not user.is_authenticated:
        return False
    return (
        Answer.objects.filter(assessment_id=assessment.pk, updated_by_id=user.pk).exists()
        or Event.objects.filter(assessment_id=assessment.pk, actor_id=user.pk)
        .filter(Q(action__startswith="answer.") | Q(action="evidence.linked"))
        .exists()
    )


def may_approve(user, assessment) -> bool:
    """Approvers who scored nothing in it, on an assessment in review."""
    return may_review(user, assessment) and not has_scored(user, assessment)


def may_reopen(user, assessment) -> bool:
    return assessment.status == "approved" and can(user, Action.APPROVE, assessment.office_id)


def may_reassess(user, assessment) -> bool:
    """Start a new assessment from this one: anyone who may edit in its office."""
    return can(user, Action.EDIT, assessment.office_id)


def own_record(user, queryset: QuerySet | type[Model], user_field: str = "user", **lookup) -> Model:
    """Fetch a record that belongs to the user personally (a notification): 404 for anyone else."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    if not user.is_authenticated:
        raise Http404("No such record.")
    obj = queryset.filter(**{f"{user_field}_id": user.pk}, **lookup).first()
    if obj is None:
        raise Http404("No such record.")
    return obj


# Respondents (DESIGN.md §1, §10): a person at the operator sees only the requests and the
# drafts sent to them. Someone whose only roles are respondent is confined to these URLs (by
# RespondentMiddleware); every other page answers 404, so nothing tells them it exists.
RESPONDENT_NAMESPACE = "respond"
RESPONDENT_URLS = frozenset(
    {
        "home",  # sent on to their requests
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "set_password",
        "set_password_done",
        "profile",
        "notifications:list",
        "notifications:read_all",
        "notifications:open",
        # Published to anyone, signed in or not.
        "signing:trust_anchor_pem",
        "signing:trust_anchor_fdf",
    }
)


def is_respondent_only(user) -> bool:
    """Whether every role the user holds is respondent (then they are confined)."""
    roles = set(roles_for(user).values())
    return bool(roles) and roles == {Role.RESPONDENT} and not user.is_staff


def respondent_may_open(url_name: str | None, namespace: str) -> bool:
    return namespace == RESPONDENT_NAMESPACE or url_name in RESPONDENT_URLS


def for_respondent(user, queryset: QuerySet | type[Model], **lookup) -> Model:
    """A request or draft sent to this respondent (field `respondent`): 404 for anyone else,
    including staff of the office and other respondents."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    if not user.is_authenticated:
        raise Http404("No such record.")
    respondent_offices = [
        office_id for office_id, role in roles_for(user).items() if role == Role.RESPONDENT
    ]
    obj = queryset.filter(respondent_id=user.pk, office_id__in=respondent_offices, **lookup).first()
    if obj is None:
        raise Http404("No such record.")
    return obj
