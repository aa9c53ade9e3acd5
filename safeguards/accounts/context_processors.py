from functools import cache

from django.urls import get_script_prefix, reverse

from .permissions import Action, allows, is_respondent_only, office_names, roles_for

# The header's links, by the name base.html uses (`nav_urls.NAME`) and the URL's name.
NAV_LINKS = {
    "home": "home",
    "login": "login",
    "logout": "logout",
    "profile": "profile",
    "password_change": "password_change",
    "offices": "offices",
    "office_log": "audit:office_log",
    "deployments": "reviews:deployment_list",
    "assessments": "reviews:assessment_list",
    "followup": "followup:register",
    "frameworks": "catalog:framework_list",
    "verify": "reports:verify",
    "search": "search:results",
    "notifications": "notifications:list",
    "respondent_requests": "respond:requests",
}

# The header marks the section a page belongs to by the first part of its path.
SECTIONS = {
    "deployments": "deployments",
    "evidence": "deployments",
    "assessments": "assessments",
    "reports": "assessments",
    "audit": "assessments",
    "frameworks": "frameworks",
    "v": "verify",
}


def section_of(path: str) -> str:
    parts = [part for part in path.split("/") if part]
    if not parts:
        return "home"
    if parts[:2] == ["reports", "verify"]:
        return "verify"
    if parts[:2] == ["audit", "office"]:
        return "office_log"
    return SECTIONS.get(parts[0], parts[0])


@cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    # The same on every page (for one mount point): reversed once per process, not sixteen
    # times a page (about 1.5 ms of CPU on each).
    return {key: reverse(name) for key, name in NAV_LINKS.items()}


def nav_urls(request):
    return {"nav_urls": _nav_urls(get_script_prefix())}


def offices(request):
    """Tell templates whether the user may create or manage anything (for navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_section": section_of(request.path) if user is not None else ""}
    roles = roles_for(user).values()
    return {
        "header_offices": office_names(user),
        "nav_section": section_of(request.path),
        "can_edit_somewhere": any(allows(role, Action.EDIT) for role in roles),
        "can_manage_somewhere": any(allows(role, Action.MANAGE) for role in roles),
        "respondent_only": is_respondent_only(user),
    }
