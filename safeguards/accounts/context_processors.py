from .permissions import Action, allows, roles_for


def offices(request):
    """Tell templates whether the user may create or manage anything (for navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_for(user).values()
    return {
        "can_edit_somewhere": any(allows(role, Action.EDIT) for role in roles),
        "can_manage_somewhere": any(allows(role, Action.MANAGE) for role in roles),
    }
