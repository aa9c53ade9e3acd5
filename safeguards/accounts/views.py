"""Sign-in, the home page and the user's offices."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from safeguards.reviews.models import Assessment, AssessmentStatus, Deployment
from safeguards.team.mywork import my_work

from .models import Membership
from .permissions import Action, offices_for, visible

HOME_LIST_LENGTH = 10


class LoginForm(AuthenticationForm):
    """Django sets the user name's max_length after creating the field, so nothing enforces
    it; an overlong name then reached django-axes, whose 255-character column refused it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


def _recent(user) -> tuple[list[dict], list[dict]]:
    """The home page's recent assessments and deployments: dicts of the columns the lists
    show (the page is on every sign-in's path; model instances cost more than the rows)."""
    assessments = list(
        visible(
            user,
            Assessment.objects.filter(
                archived_at__isnull=True, deployment__archived_at__isnull=True
            ),
        )
        .order_by("-updated_at")
        .values(
            "pk",
            "title",
            "status",
            "as_of",
            deployment_name=F("deployment__name"),
            framework_title=F("framework_version__title"),
            framework_number=F("framework_version__version"),
        )[:HOME_LIST_LENGTH]
    )
    labels = dict(AssessmentStatus.choices)
    for row in assessments:
        row["status_label"] = labels.get(row["status"], row["status"])
    deployments = list(
        visible(user, Deployment.objects.filter(archived_at__isnull=True))
        .order_by("-updated_at")
        .values("pk", "name", "operator", "vendor", office_name=F("office__name"))[
            :HOME_LIST_LENGTH
        ]
    )
    return assessments, deployments


def home(request):
    show_all = request.GET.get("all") == "1"
    assessments, deployments = _recent(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "work": my_work(request.user, timezone.localdate(), show_all),
            "show_all": show_all,
            "deployments": deployments,
            "assessments": assessments,
            "edit_offices": offices_for(request.user, Action.EDIT),
        },
    )


def office_list(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("office")
        .order_by("office__name")
    )
    return render(request, "accounts/offices.html", {"memberships": memberships})
