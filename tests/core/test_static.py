from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.slow
def test_static_files_collect_with_the_production_storage(tmp_path, settings):
    # The manifest storage rewrites references between files and refuses a file that
    # names a missing one (a source map, a font); this is what `jaring` deploys with.
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=str(tmp_path)):
        call_command("collectstatic", interactive=False, verbosity=0)
    css = sorted((tmp_path / "jaring").glob("jaring.*.css"))
    assert len(css) == 1, "the stylesheet gets one hashed name"
    # whitenoise serves the pre-compressed copy to browsers that accept gzip.
    compressed = css[0].with_name(css[0].name + ".gz")
    assert gzip.decompress(compressed.read_bytes()) == css[0].read_bytes()
    assert (tmp_path / "vendor" / "htmx.min.js.gz").exists()
