"""The platform's benchmarks: the audit log's write and verify rates, and sign-in latency.

Goals, and why:

* Appending audit events: at least 200 per second, each in its own transaction.
  Every state change writes one event under a lock on the chain's head, so this
  rate caps the whole system's write rate; 200/s is far above the region's
  expected peak of a few writes per second per member state.
* Verifying the chain: at least 5,000 events per second, so that `jaring audit
  verify` checks a year of heavy use (a million events) in under four minutes.
* Rendering the sign-in page: p95 at most 100 ms in process, leaving room for the
  network within a one-second page budget.
* Signing in with a password: p95 at most 1,000 ms. Argon2 is slow on purpose;
  this checks its cost settings stay bearable on a two-core server.
"""

from __future__ import annotations

import secrets
import time

from jaring.bench.harness import BenchContext, BenchError, Figure, benchmark, percentile

AUDIT_APPENDS = 2000
PAGE_REQUESTS = 200
SIGN_INS = 10


@benchmark("platform")
def audit_log(ctx: BenchContext) -> list[Figure]:
    from jaring.audit.services import as_system, record_event, verify_chain

    with ctx.stage(f"Appending {AUDIT_APPENDS:,} audit events"), as_system("cli"):
        start = time.perf_counter()
        for i in range(AUDIT_APPENDS):
            record_event("bench.append", detail={"i": i})
        append_seconds = time.perf_counter() - start
    with ctx.stage("Verifying the audit chain"):
        start = time.perf_counter()
        result = verify_chain()
        verify_seconds = time.perf_counter() - start
    if not result.ok:
        raise BenchError(f"the audit chain is broken at event #{result.broken_at}")
    return [
        Figure("Audit events appended (one transaction each)", AUDIT_APPENDS / append_seconds,
               "events/s", goal=200),
        Figure(f"Audit chain verified ({result.checked:,} events)",
               result.checked / verify_seconds, "events/s", goal=5000),
    ]


def _client():
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def _plain_static():
    # The manifest storage needs `collectstatic` first; the page's work is the same
    # with plain storage, and the benchmark must not write static files anywhere.
    from django.conf import settings
    from django.test.utils import override_settings

    return override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        ALLOWED_HOSTS=["localhost"],
    )


@benchmark("platform")
def sign_in(ctx: BenchContext) -> list[Figure]:
    from jaring.audit.services import as_system
    from jaring.identity.roles import Role
    from jaring.identity.services import create_user

    client = _client()
    with _plain_static():
        with ctx.stage(f"Rendering the sign-in page {PAGE_REQUESTS} times"):
            for _ in range(10):  # warm the template cache and the connection
                client.get("/account/login")
            samples = []
            for _ in range(PAGE_REQUESTS):
                start = time.perf_counter()
                response = client.get("/account/login")
                samples.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise BenchError("the sign-in page did not render (status "
                                     f"{response.status_code})")
        password = secrets.token_urlsafe(18)
        username = f"bench.signin.{secrets.token_hex(3)}"
        with as_system("cli"):
            create_user(username=username, password=password, role=Role.ADMINISTRATOR,
                        organisation=None)
        sign_ins = []
        with ctx.stage(f"Signing in {SIGN_INS} times"):
            for _ in range(SIGN_INS):
                fresh = _client()
                start = time.perf_counter()
                response = fresh.post("/account/login",
                                      {"username": username, "password": password})
                sign_ins.append((time.perf_counter() - start) * 1000)
                if response.status_code != 302:
                    raise BenchError(f"signing in failed (status {response.status_code})")
    return [
        Figure(f"Sign-in page render p95 ({PAGE_REQUESTS} requests)", percentile(samples, 0.95),
               "ms", goal=100, higher_is_better=False),
        Figure(f"Password sign-in p95 ({SIGN_INS} sign-ins)", percentile(sign_ins, 0.95), "ms",
               goal=1000, higher_is_better=False),
    ]
