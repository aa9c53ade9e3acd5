"""The project's URLs plus one bare view, served through the same middleware and login."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The least a signed-in page can do: the yardstick for requests per second."""
    return HttpResponse(f"ok {request.user.username}", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("safeguards.urls")),
]
