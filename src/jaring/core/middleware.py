import json

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from jaring.core.http import is_api

# No inline script anywhere: every script is a static file, so 'self' suffices.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not settings.DEBUG:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class NulCharacterMiddleware:
    """Refuse requests that carry a NUL character, with a 400 naming where.

    No field of Jaring can hold one, PostgreSQL text cannot store one at all, and
    letting one through turns a typing mistake or a fuzzer's probe into a server
    error deep in the database layer. Checked once here: the path, the query
    string, form fields and JSON bodies (where it arrives escaped as \\u0000). A form
    body that cannot be read at all is refused here too, in the same form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            where = self._nul_in(request)
        except (MultiPartParserError, SuspiciousOperation):
            # A form body that cannot be read at all (a multipart type without its
            # boundary, too many fields): Django's own answer is an HTML page, where
            # an API client expects JSON.
            return self._refuse(request, "the request body cannot be read as form data")
        if where:
            return self._refuse(request, f"{where} contains a NUL character")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str):
        if is_api(request):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _nul_in(request) -> str:
        if "\x00" in request.path:
            return "the address"
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            field = next((name for name, values in request.GET.lists()
                          if "\x00" in name or any("\x00" in v for v in values)), "")
            return f"query parameter {field!r}" if field else "the query string"
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                try:
                    field = _json_path_with_nul(json.loads(body))
                except ValueError:
                    field = ""
                return f"field {field!r}" if field else "the request body"
        elif (request.method == "POST"
              and content_type.startswith(("application/x-www-form-urlencoded",
                                           "multipart/form-data"))):
            # Uploaded files are in request.FILES and may be binary; fields may not.
            for name, values in request.POST.lists():
                if any("\x00" in value for value in values):
                    return f"form field {name!r}"
        return ""


def _json_path_with_nul(value: object, path: str = "") -> str:
    """The path (``indicators[0].value``) of the first text holding a NUL, or ""."""
    if isinstance(value, str):
        return path or "(the body)" if "\x00" in value else ""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return here
            found = _json_path_with_nul(item, here)
            if found:
                return found
    if isinstance(value, list):
        for position, item in enumerate(value):
            found = _json_path_with_nul(item, f"{path}[{position}]")
            if found:
                return found
    return ""
