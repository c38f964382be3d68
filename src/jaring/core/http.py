"""What every layer that answers a request needs to know of its kind."""

from __future__ import annotations

from django.http import HttpRequest

# Where the JSON API lives (jaring.urls mounts it there): its clients get JSON answers,
# errors included, and their audit events say "api".
API_PREFIX = "/api/"

# The furthest a list may be paged (the API's ``offset``): past any real list's
# end, and far below the largest integer SQLite and PostgreSQL take, beyond which
# a query failed instead of answering an empty page.
MAX_OFFSET = 1_000_000_000


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)
