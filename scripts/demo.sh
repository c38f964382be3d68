#!/usr/bin/env bash
# Install everything and start the demo: the web app at http://127.0.0.1:8000 on
# its own SQLite database in ./jaring-demo, with demo accounts printed at start.
#
# Usage: scripts/demo.sh [jaring demo options, e.g. --seed 7 --port 8080]
# (`.venv/bin/jaring demo --help` lists them.)

set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$JARING_ROOT"

ensure_venv
ensure_python_deps ""
say "Starting the demo"
exec "$VENV/bin/jaring" demo "$@"
