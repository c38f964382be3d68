from django.shortcuts import redirect
from django.urls import reverse

from jaring.core.http import API_PREFIX

SESSION_KEY = "jaring_second_factor_ok"
_OPEN_PREFIXES = ("/static/", "/account/verify", "/account/logout", API_PREFIX)


class SecondFactorMiddleware:
    """Hold a password-authenticated session at the TOTP step until a code is given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.totp_enabled
            and not request.session.get(SESSION_KEY)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('identity:verify')}?next={request.path}")
        return self.get_response(request)
