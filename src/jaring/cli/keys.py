"""`jaring keys rotate`: a new data key for every country, then re-encryption in batches."""

from __future__ import annotations

from typing import Annotated

import typer

from jaring.cli.runtime import cli_audit, console, friendly, setup_django

app = typer.Typer(help="Data-encryption keys.", no_args_is_help=True)


@app.command("rotate")
@friendly
def rotate(
    reencrypt_only: Annotated[bool, typer.Option(
        "--reencrypt-only", help="Add no key; finish re-encrypting after an interrupted "
        "rotation.")] = False,
) -> None:
    """Add a key version for every country and re-encrypt every encrypted field with it.

    Servers keep running: values under the old version still decrypt, and new ones
    use the new version as soon as the key file changes."""
    setup_django()
    from django.conf import settings

    from jaring.audit.services import record_event
    from jaring.crypto.rotation import add_key_versions, reencrypt_all

    with cli_audit():
        if not reencrypt_only:
            added = add_key_versions(settings.KEY_FILE)
            record_event("keys.rotate", detail={"keys": added})
            console.print(f"Added {len(added)} keys: {', '.join(added)}.")
        with console.status("Re-encrypting"):
            changed = reencrypt_all()
        record_event("keys.reencrypt", detail=changed)
    total = sum(changed.values())
    console.print(f"Re-encrypted {total} values ("
                  + ", ".join(f"{k} {v}" for k, v in changed.items()) + ").")
