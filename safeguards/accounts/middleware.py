"""Sign people out after a period without activity, without writing the session on every page."""

import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve


class SlidingSessionMiddleware:
    """Push a signed-in session's expiry forward, at most once every few minutes.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session row on every page view; moving
    the expiry only when the last move is older than SESSION_REFRESH_SECONDS keeps inactivity
    expiry within minutes of exact, at a fraction of the writes.
    """

    KEY = "_safeguards_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response


class PrivatePagesMiddleware:
    """Keep signed-in pages out of shared and browser caches (`Cache-Control: private, no-store`).

    The PDF, JSON and CSV downloads already say so; the HTML pages show the same content.
    A response that set its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class RespondentMiddleware:
    """Confine respondents to their own pages: the rule is `permissions.respondent_may_open`;
    anything else is a 404, the same answer as for a page that does not exist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .permissions import is_respondent_only, respondent_may_open

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_respondent_only(user):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if match.view_name == "home":
                return redirect("respond:requests")
            if not respondent_may_open(match.view_name, match.namespace):
                raise Http404("No such page.")
        return self.get_response(request)
