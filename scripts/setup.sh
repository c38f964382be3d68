#!/usr/bin/env bash
# Prepare a checkout: a Python 3.11 virtualenv in .venv with Jaring installed
# (editable) and, on request, the system packages the tests need.
#
# Sourced by scripts/demo.sh and scripts/test.sh; run on its own it installs the
# runtime and development dependencies:  scripts/setup.sh
#
# Idempotent and quiet on a second run: pip is skipped while pyproject.toml is
# unchanged, and apt-get only runs for a package that is actually missing.

set -euo pipefail

JARING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$JARING_ROOT/.venv"

if [ -t 2 ]; then BOLD=$'\033[1m' RED=$'\033[1;31m' GREEN=$'\033[1;32m' PLAIN=$'\033[0m'
else BOLD="" RED="" GREEN="" PLAIN=""; fi
say() { printf '%s==> %s%s\n' "$BOLD" "$*" "$PLAIN" >&2; }
die() { printf '%serror:%s %s\n' "$RED" "$PLAIN" "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (install it yourself, or install sudo)"
    fi
}

_apt_updated=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 \
        || die "missing system packages ($*) and no apt-get to install them with"
    say "Installing system packages: $*"
    if [ "$_apt_updated" = 0 ]; then
        as_root apt-get update -qq >/dev/null || die "apt-get update failed"
        _apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || die "apt-get could not install: $*"
}

# Python 3.11 exactly: Jaring's pyproject pins it. Debian 12's own python3 is 3.11.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
        then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        return 0
    fi
    local python
    if ! python="$(find_python)"; then
        apt_install python3 python3-venv
        python="$(find_python)" || die "Python 3.11 is needed; set PYTHON=/path/to/python3.11"
    fi
    say "Creating virtualenv .venv with $python"
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
        # Debian splits ensurepip out into python3-venv.
        rm -rf "$VENV"
        apt_install python3-venv
        "$python" -m venv "$VENV"
    fi
}

# Install Jaring into .venv. $1 is "dev" for the test tools, "" for the runtime only.
ensure_python_deps() {
    local extras="${1:-}" target="." stamp digest
    [ -n "$extras" ] && target=".[$extras]"
    digest="$(sha256sum "$JARING_ROOT/pyproject.toml" | cut -c1-16)"
    stamp="$VENV/.jaring-installed"
    # A development install also satisfies a runtime-only request.
    if [ -f "$stamp" ] && [ -x "$VENV/bin/jaring" ] \
        && { grep -qx "$digest dev" "$stamp" || grep -qx "$digest ${extras}" "$stamp"; }; then
        return 0
    fi
    say "Installing Python dependencies ($target); pip's cache is reused"
    # Playwright drives Debian's Chromium; it must never fetch a browser of its own.
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    (cd "$JARING_ROOT" && "$VENV/bin/python" -m pip install -q -e "$target") \
        || die "pip could not install $target"
    echo "$digest ${extras}" >>"$stamp"
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        return 0
    fi
    apt_install chromium
    [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
}

# Print the directory holding initdb/pg_ctl/postgres, installing PostgreSQL if absent.
postgres_bindir() {
    local dir
    for dir in "$(pg_config --bindir 2>/dev/null || true)" \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

ensure_postgres() {
    postgres_bindir >/dev/null && return 0
    apt_install postgresql
    postgres_bindir >/dev/null || die "PostgreSQL was installed but initdb cannot be found"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    ensure_venv
    ensure_python_deps dev
    say "Ready: .venv/bin/jaring --help"
fi
