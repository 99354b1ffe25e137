from motcua.office.access import can_receive, role_of


def office(request):
    """What the navigation needs to know about the user, computed lazily."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"office_role": role_of(user), "office_can_receive": can_receive(user)}
