"""The CLI in process, against the test database: exit codes and one-line errors."""

import pytest
from typer.testing import CliRunner

from jaring.audit.models import AuditEvent
from jaring.audit.services import record_event
from jaring.cli.main import app
from jaring.identity.models import ApiToken, User
from tests.factories import make_user

runner = CliRunner()


def invoke(*args, **kwargs):
    result = runner.invoke(app, list(args), **kwargs)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    message = lines[0]
    assert message.startswith("error:")
    for fragment in fragments:
        assert fragment in message


@pytest.fixture
def organisation(db):
    return make_user("caseworker", "TH").organisation


def test_user_create(organisation):
    result = invoke("user", "create", "new.caseworker", "--role", "caseworker",
                    "--organisation", str(organisation.pk),
                    "--password", "correct horse battery staple")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="new.caseworker")
    assert user.check_password("correct horse battery staple")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk),
                                     via="cli").exists()


def test_user_create_unknown_role(organisation):
    result = invoke("user", "create", "x", "--role", "wizard", "--organisation",
                    str(organisation.pk), "--password", "correct horse battery staple")
    assert_one_line_error(result, "role", "wizard")


def test_user_create_unknown_organisation(db):
    result = invoke("user", "create", "x", "--role", "viewer", "--organisation", "999999",
                    "--password", "correct horse battery staple")
    assert_one_line_error(result, "no organisation with id 999999")


def test_user_create_weak_password(organisation):
    result = invoke("user", "create", "x", "--role", "viewer", "--organisation",
                    str(organisation.pk), "--password", "short")
    assert_one_line_error(result, "too short")
    assert not User.objects.filter(username="x").exists()


def test_user_create_national_role_needs_organisation(db):
    result = invoke("user", "create", "x", "--role", "caseworker",
                    "--password", "correct horse battery staple")
    assert_one_line_error(result, "organisation")


def test_token_create_prints_the_secret_once(db):
    user = make_user("intel_analyst", "SG")
    result = invoke("token", "create", user.username, "--name", "national system",
                    "--scope", "intel:read")
    assert result.exit_code == 0, result.output
    token = ApiToken.objects.get(user=user)
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith(f"jrg_{token.key_id}_")
    assert token.secret_hash == ApiToken.hash_secret(secret.split("_", 2)[2])


def test_token_create_errors(db):
    user = make_user("intel_analyst", "SG")
    assert_one_line_error(invoke("token", "create", "nobody", "--name", "n", "--scope",
                                 "intel:read"), "no user named 'nobody'")
    assert_one_line_error(invoke("token", "create", user.username, "--name", "n", "--scope",
                                 "everything"), "scopes", "everything")
    assert_one_line_error(invoke("token", "create", user.username, "--name", "n", "--scope",
                                 "admin"), "administrators")
    assert not ApiToken.objects.exists()


def test_token_revoke(db):
    user = make_user("intel_analyst", "SG")
    invoke("token", "create", user.username, "--name", "n", "--scope", "intel:read")
    token = ApiToken.objects.get()
    assert invoke("token", "revoke", token.key_id).exit_code == 0
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_one_line_error(invoke("token", "revoke", "nope"), "no token")


def test_audit_verify_intact(db):
    for i in range(5):
        record_event("test.event", object_id=str(i))
    result = invoke("audit", "verify")
    assert result.exit_code == 0
    assert "5 events verified" in result.stdout


def test_audit_verify_names_the_first_broken_event(db):
    for i in range(5):
        record_event("test.event", object_id=str(i))
    # A queryset update bypasses the model's append-only guard, as SQL would.
    AuditEvent.objects.filter(seq=3).update(detail={"tampered": True})
    result = invoke("audit", "verify")
    assert_one_line_error(result, "event #3", "2 events before it are intact")


def test_restore_missing_archive(tmp_path):
    assert_one_line_error(invoke("restore", str(tmp_path / "absent.tar.gz")), "no archive")


def test_help_lists_every_command():
    result = invoke("--help")
    for command in ("init", "demo", "serve", "user", "token", "db", "audit", "backup",
                    "restore", "bench"):
        assert command in result.stdout
