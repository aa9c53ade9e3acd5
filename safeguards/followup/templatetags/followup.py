"""Follow-up parts shown on other apps' pages: the deployment's section, the decision fields."""

from django import template
from django.utils import timezone

from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action

from .. import states
from ..models import Decision, Recommendation

register = template.Library()
SHOWN = 20


@register.inclusion_tag("followup/_deployment_section.html", takes_context=True)
def deployment_followup(context, deployment):
    """The deployment page's "Recommendations" section and its re-assessment due date."""
    today = timezone.localdate()
    recs = list(
        Recommendation.objects.filter(deployment=deployment)
        .only(
            "number",
            "criterion_code",
            "text",
            "priority",
            "status",
            "target_date",
            "opened_on",
            "closure_proposed_by_id",
            "kind",
            "office_id",
        )
        .order_by("-year", "-serial")[: SHOWN + 1]
    )
    for rec in recs:
        rec.listed_flags = rec.flags(today)
    decision = Decision.objects.filter(deployment=deployment).order_by("-decided_on", "-pk").first()
    user = context["request"].user
    return {
        "deployment": deployment,
        "recs": recs[:SHOWN],
        "more": len(recs) > SHOWN,
        "live": Recommendation.objects.filter(
            deployment=deployment, status__in=states.LIVE
        ).count(),
        "decision": decision,
        "due_state": states.validity_state(decision.valid_until if decision else None, today),
        "can_edit": permissions.can(user, Action.EDIT, deployment.office_id),
    }


_PRIORITY_LABELS = {
    "condition": "Condition",
    "critical": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
}


@register.filter
def rec_status_label(value):
    return states.STATUS_LABELS.get(value, value)


@register.filter
def rec_response_label(value):
    return states.RESPONSE_LABELS.get(value, value)


@register.filter
def rec_priority_label(value):
    return _PRIORITY_LABELS.get(value, value)


@register.filter
def validity_label(value):
    return states.VALIDITY_LABELS.get(value, value)


@register.simple_tag
def request_sentence(req: dict, question: dict) -> str:
    """How a report prints a question's outcome ("requested … from …, due …: no response")."""
    from ..printing import request_sentence as sentence

    return sentence(req, question)


@register.filter
def position_label(position) -> str:
    from ..printing import POSITION_LABELS

    return POSITION_LABELS.get(position or "", "No position given")
