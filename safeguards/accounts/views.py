"""Sign-in, the home page and the user's offices."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from safeguards.reviews.models import Assessment, Deployment

from .models import Membership
from .permissions import Action, offices_for, visible

HOME_LIST_LENGTH = 10


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def home(request):
    deployments = visible(request.user, Deployment.objects.select_related("office"))
    assessments = visible(
        request.user,
        Assessment.objects.select_related("deployment", "office", "framework_version__framework"),
    )
    return render(
        request,
        "accounts/home.html",
        {
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
