"""The JSON API at /api/v1, composed from each app's router."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import re_path
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as RequestValidationError
from ninja.parser import Parser

from jaring import __version__
from jaring.care.api import router as care_router
from jaring.identity.api import router as identity_router
from jaring.identity.auth import api_auth
from jaring.intel.api import router as intel_router
from jaring.merl.api import router as merl_router
from jaring.overview.api import router as overview_router
from jaring.reference.api import router as reference_router

_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["loc", "msg"],
                        "properties": {
                            "loc": {
                                "type": "array",
                                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            },
                            "msg": {"type": "string"},
                        },
                    },
                },
            ]
        }
    },
}
# Every operation is authenticated, validated and authorised, so each can answer these.
_ERROR_RESPONSES = {
    "400": "Malformed request: `detail` lists each field and what is wrong with it",
    "401": "No valid bearer token or signed-in session",
    "403": "The role, country or token scope does not allow this",
    "404": "No such record, or one the caller may not know exists",
}


def _unknown_route(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


# The API answers JSON even for a path it does not know, so a national system never
# has to parse an HTML error page; the matrix test sees this view as public.
_unknown_route.jaring_public = True  # type: ignore[attr-defined]


class StrictParser(Parser):
    """Refuse a single-valued parameter given twice instead of silently keeping the last."""

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        repeated = [key for key in data if key not in list_fields and len(data.getlist(key)) > 1]
        if repeated:
            raise RequestValidationError([
                {"loc": ("query", key), "msg": "give this parameter once", "type": "repeated"}
                for key in repeated
            ])
        return super().parse_querydict(data, list_fields, request)


class JaringAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                # Ninja keys responses by int; keep one kind of key so none is shadowed.
                responses = {str(status): body for status, body in operation["responses"].items()}
                for status, description in _ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
                operation["responses"] = responses
        return schema

    @property
    def urls(self) -> Any:
        patterns, app_name, namespace = super().urls
        return [*patterns, re_path(r"^(?P<rest>.*)$", _unknown_route)], app_name, namespace


api = JaringAPI(
    title="Jaring API",
    version=__version__,
    description=(
        "The JSON API of Jaring. Authenticate with `Authorization: Bearer <token>`; "
        "create tokens with `jaring token create` or on the API tokens page. "
        "Every operation is authorised by role, country and record ownership."
    ),
    auth=api_auth,
    parser=StrictParser(),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", identity_router)
api.add_router("/reference", reference_router)
api.add_router("/intel", intel_router)
api.add_router("/care", care_router)
api.add_router("/overview", overview_router)
api.add_router("/merl", merl_router)


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


@api.exception_handler(RequestValidationError)
def _malformed(request: HttpRequest, exc: RequestValidationError):
    # 400 rather than Ninja's 422: the issue asks for one status for every bad input.
    detail = [
        {"loc": [str(part) if not isinstance(part, int) else part for part in error["loc"]],
         "msg": error["msg"]}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=400)
