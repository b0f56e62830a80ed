from __future__ import annotations

from .menu import menu_for
from .policies import May


def menu(request) -> dict:
    """The signed-in user's menu, each item marked when it is the page being shown, and
    ``may``: what they may do (accounts.policies), for the templates."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may": May(user)} if user is not None else {}
    match = getattr(request, "resolver_match", None)
    primary, more = menu_for(user)
    return {
        "may": May(user),
        "menu": [(item, item.is_current(match)) for item in primary],
        "menu_more": [(item, item.is_current(match)) for item in more],
        "menu_more_current": any(item.is_current(match) for item in more),
    }
