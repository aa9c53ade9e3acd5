"""Sign-in, the home page and the user's offices."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import render
from django.utils import timezone

from safeguards.reviews.models import Assessment, Deployment
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


def home(request):
    # Only the columns the lists show (a framework version row carries its whole source file).
    deployments = visible(
        request.user,
        Deployment.objects.select_related("office")
        .filter(archived_at__isnull=True)
        .only("name", "operator", "vendor", "office__name"),
    )
    assessments = visible(
        request.user,
        Assessment.objects.select_related("deployment", "framework_version")
        .filter(archived_at__isnull=True, deployment__archived_at__isnull=True)
        .only(
            "title",
            "status",
            "as_of",
            "deployment__name",
            "framework_version__title",
            "framework_version__version",
        ),
    )
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "accounts/home.html",
        {
            "work": my_work(request.user, timezone.localdate(), show_all),
            "show_all": show_all,
            "deployments": deployments.order_by("-updated_at")[:HOME_LIST_LENGTH],
            "assessments": assessments.order_by("-updated_at")[:HOME_LIST_LENGTH],
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
