"""The `jaring` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from jaring.cli.runtime import CommandError, cli_audit, console, friendly, setup_django

app = typer.Typer(
    name="jaring",
    help="Jaring: regional cooperation against online fraud.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for national systems.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")


def key_file_path() -> Path:
    from django.conf import settings

    return Path(settings.KEY_FILE)


def initialise(force: bool = False) -> tuple[Path, bool]:
    """Write the key file if absent. Returns its path and whether it was created."""
    setup_django()
    from jaring.crypto import keyring
    from jaring.reference.seed import MEMBER_STATE_CODES

    path = key_file_path()
    if path.exists() and not force:
        content = keyring.read(path)  # refuse to run on a corrupt file rather than overwrite it
        if not content.get("signing_keys"):  # a key file from before care transfer packages
            keyring.add_signing_key(content)
            keyring.write(path, content)
            keyring.forget()
        return path, False
    if path.exists() and force:
        raise CommandError(
            f"{path} exists; replacing it would make every encrypted value unreadable. "
            "Move it away yourself if that is really what you want."
        )
    keyring.write(path, keyring.generate([*MEMBER_STATE_CODES, keyring.REGIONAL_SCOPE]))
    keyring.forget()
    # Settings were read before the file existed; load the new secret key now.
    from django.conf import settings

    settings.SECRET_KEY = keyring.load_secret_key(path)
    return path, True


def upgrade_database(verbose: bool = False) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


@app.command()
@friendly
def init() -> None:
    """Create the key file (secret key and data-encryption keys) and the database."""
    path, created = initialise()
    upgrade_database()
    if created:
        console.print(f"Wrote key file [bold]{path}[/] (mode 0600). Back it up apart from the "
                      "database: without it, encrypted data cannot be read.")
    else:
        console.print(f"Key file {path} already exists; left as it is.")
    console.print("Database is up to date.")


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply every pending database migration."""
    upgrade_database(verbose=True)
    console.print("Database is up to date.")


@db_app.command("check")
@friendly
def db_check() -> None:
    """Check the references the database does not enforce itself (decision 52) and the
    campaign members' copies of their reports (decision 53); exit 1 if any is wrong."""
    setup_django()
    from jaring.core.integrity import dangling, unenforced
    from jaring.intel.linking import members_out_of_step

    with console.status("Checking references"):
        found = dangling()
        out_of_step = members_out_of_step()
    for problem in found:
        console.print(f"[red]{problem}[/]")
    if out_of_step:
        console.print(f"[red]intel.CampaignMember: {len(out_of_step)} row(s) differ from "
                      f"their report's country, date or scam type "
                      f"(first: report {out_of_step[0]})[/]")
    if found:
        raise CommandError(f"{len(found)} reference(s) point at rows that do not exist")
    if out_of_step:
        raise CommandError("campaign members out of step with their reports")
    console.print(f"All {sum(1 for _ in unenforced())} unenforced references hold, and "
                  "every campaign member agrees with its report.")


@app.command()
@friendly
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    threads: int = typer.Option(8, help="Worker threads."),
) -> None:
    """Serve the web app and API with a production WSGI server (waitress)."""
    setup_django()
    from jaring.crypto import keyring

    keyring.read(key_file_path())
    start_server(host, port, threads)


def start_server(host: str, port: int, threads: int = 8) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from waitress import serve as waitress_serve

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("the database has pending migrations: run `jaring db upgrade`")
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except (ValueError, OSError) as exc:  # WhiteNoise reports a broken reference as ValueError
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"collecting static files failed: {first}") from None
    from jaring.wsgi import application

    console.print(f"Jaring is serving on [bold]http://{host}:{port}/[/] (Ctrl+C to stop)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="jaring",
                   clear_untrusted_proxy_headers=True)


@user_app.command("create")
@friendly
def user_create(
    username: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option(..., help="administrator, intel_analyst, caseworker, "
                             "case_supervisor, me_officer, me_approver or viewer."),
    organisation: int | None = typer.Option(None, help="Organisation id (see the admin)."),
    email: str = typer.Option("", help="E-mail address."),
    password: str | None = typer.Option(
        None, help="Password; asked for when not given. Prefer the prompt: "
        "arguments stay in shell history.",
    ),
) -> None:
    """Create a user account."""
    setup_django()
    from jaring.identity.models import Organisation
    from jaring.identity.services import create_user

    org = None
    if organisation is not None:
        org = Organisation.objects.filter(pk=organisation).first()
        if org is None:
            raise CommandError(f"no organisation with id {organisation}")
    if password is None:
        password = os.environ.get("JARING_NEW_PASSWORD") or typer.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
    with cli_audit():
        user = create_user(username=username, password=password, role=role, organisation=org,
                           email=email)
    console.print(f"Created user [bold]{user.username}[/] ({role}).")


@token_app.command("create")
@friendly
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")],
    scope: Annotated[list[str], typer.Option(
        help="A scope, repeatable: see `jaring token scopes`.")],
    days: int | None = typer.Option(None, help="Lifetime in days (default from settings)."),
) -> None:
    """Create an API token; its secret is printed once and never stored."""
    setup_django()
    from jaring.identity.models import User
    from jaring.identity.services import create_token

    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    with cli_audit():
        issued = create_token(user, name=name, scopes=list(scope), days=days)
    console.print(f"Token {issued.token.key_id} for {username}, expires "
                  f"{issued.token.expires_at:%Y-%m-%d}. Keep it secret; it is not shown again:")
    print(issued.secret)  # noqa: T201 — plain, so scripts can capture it


@token_app.command("scopes")
@friendly
def token_scopes() -> None:
    """List the scopes a token can carry."""
    setup_django()
    from jaring.identity.policy import TOKEN_SCOPES

    for scope, description in sorted(TOKEN_SCOPES.items()):
        console.print(f"[bold]{scope}[/]  {description}")


@token_app.command("revoke")
@friendly
def token_revoke(key_id: str = typer.Argument(..., help="The token's key id.")) -> None:
    """Revoke an API token at once."""
    setup_django()
    from jaring.identity.models import ApiToken
    from jaring.identity.services import revoke_token

    token = ApiToken.objects.filter(key_id=key_id).first()
    if token is None:
        raise CommandError(f"no token with key id {key_id!r}")
    with cli_audit():
        revoke_token(token)
    console.print(f"Token {key_id} is revoked.")


@audit_app.command("verify")
@friendly
def audit_verify() -> None:
    """Check every link of the audit log's hash chain; exit 1 at the first broken one."""
    setup_django()
    from rich.progress import Progress

    from jaring.audit.models import AuditEvent
    from jaring.audit.services import verify_chain

    total = AuditEvent.objects.count()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Verifying audit chain", total=total)
        result = verify_chain(progress=lambda n: progress.update(task, completed=n))
    if result.ok:
        console.print(f"Audit log intact: {result.checked} events verified.")
        return
    raise CommandError(
        f"audit log broken at event #{result.broken_at}: {result.reason} "
        f"({result.checked} events before it are intact)"
    )


# Commands kept in their own modules so that this one stays short.
from jaring.cli import backup, bench, demo  # noqa: E402
from jaring.cli import care as care_cli  # noqa: E402
from jaring.cli import intel as intel_cli  # noqa: E402
from jaring.cli import keys as keys_cli  # noqa: E402
from jaring.cli import merl as merl_cli  # noqa: E402
from jaring.cli import report as report_cli  # noqa: E402

app.command("demo")(demo.demo)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("bench")(bench.bench)
app.add_typer(intel_cli.app, name="intel")
app.add_typer(care_cli.app, name="care")
app.add_typer(keys_cli.app, name="keys")
app.command("report")(report_cli.report)
app.add_typer(merl_cli.app, name="merl")


def run() -> None:
    app()


if __name__ == "__main__":
    run()
