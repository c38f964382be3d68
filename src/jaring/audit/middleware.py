from jaring.audit.context import Actor, client_ip, current_actor
from jaring.core.http import is_api


class RequestContextMiddleware:
    """Make the signed-in user and client address available to audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if is_api(request) else "web"
        user = request.user if request.user.is_authenticated else None
        token = current_actor.set(Actor(user=user, ip_address=client_ip(request), via=via))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
