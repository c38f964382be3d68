"""What every layer that answers a request needs to know of its kind."""

from __future__ import annotations

from django.http import HttpRequest

# Where the JSON API lives (jaring.urls mounts it there): its clients get JSON answers,
# errors included, and their audit events say "api".
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)
