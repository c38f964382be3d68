"""Matching tokens as 16 bytes instead of 64 hexadecimal characters.

A new token is the first 16 bytes of the same HMAC (``crypto.cipher.keyed_token``),
so a stored one converts without the key: the first 32 hexadecimal characters,
decoded. The token index is the one a bulk import inserts into at random; at a
third of its size it stays in the page cache longer.
"""

from django.db import migrations, models

MODELS = ("indicator", "warninglistentry")


def to_bytes(apps, schema_editor):
    connection = schema_editor.connection
    for name in MODELS:
        table = apps.get_model("intel", name)._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"UPDATE {table} SET token_bytes = "  # noqa: S608
                               "decode(substr(token, 1, 32), 'hex')")
                continue
            # SQLite before 3.41 has no unhex().
            cursor.execute(f"SELECT id, token FROM {table}")  # noqa: S608
            rows = [(bytes.fromhex(token[:32]), pk) for pk, token in cursor.fetchall()]
            cursor.executemany(f"UPDATE {table} SET token_bytes = %s WHERE id = %s", rows)  # noqa: S608


def to_hex(apps, schema_editor):
    if any(apps.get_model("intel", name).objects.exists() for name in MODELS):
        raise RuntimeError("16-byte tokens cannot be widened back to the whole HMAC: "
                           "restore a copy of the database from before intel 0010.")


class Migration(migrations.Migration):

    dependencies = [
        ("intel", "0009_indicator_fillfactor"),
    ]

    operations = [
        *(migrations.AddField(name, "token_bytes", models.BinaryField(max_length=16, null=True))
          for name in MODELS),
        migrations.RunPython(to_bytes, to_hex),
        *(op for name in MODELS for op in (
            migrations.RemoveField(name, "token"),
            migrations.RenameField(name, "token_bytes", "token"),
            migrations.AlterField(name, "token",
                                  models.BinaryField(max_length=16, unique=True)),
        )),
    ]
