"""Every view declares its permission here; the authorization matrix test reads it back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest

from jaring.identity import policy

if TYPE_CHECKING:
    from jaring.identity.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind ``requires`` receives: the user is signed in."""

    user: User


def requires(permission: str, *, conceal: bool = False) -> Callable:
    """Require a signed-in user holding ``permission`` (record checks stay in the view)."""
    policy.PERMISSIONS[permission]  # fail at import on a typo, not at request time

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            policy.check(request.user, permission, conceal=conceal, request=request)
            return view(request, *args, **kwargs)

        wrapped.jaring_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view as deliberately open to anonymous users (sign-in, health check)."""
    view.jaring_public = True  # type: ignore[attr-defined]
    return view
