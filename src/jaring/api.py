"""The JSON API at /api/v1, composed from each app's router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from jaring import __version__
from jaring.identity.api import router as identity_router
from jaring.identity.auth import api_auth
from jaring.reference.api import router as reference_router

api = NinjaAPI(
    title="Jaring API",
    version=__version__,
    description=(
        "The JSON API of Jaring. Authenticate with `Authorization: Bearer <token>`; "
        "create tokens with `jaring token create` or on the API tokens page. "
        "Every operation is authorised by role, country and record ownership."
    ),
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", identity_router)
api.add_router("/reference", reference_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": "You do not have permission."}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Authentication required: send a valid bearer token."}, status=401
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request,
        {"detail": [{"loc": [field], "msg": " ".join(msgs)} for field, msgs in errors.items()]},
        status=400,
    )
