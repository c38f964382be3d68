#!/usr/bin/env bash
# Install everything and run the whole test suite:
#
#   ruff, mypy, then pytest on SQLite and again on a throw-away PostgreSQL server.
#
# Usage: scripts/test.sh [extra pytest arguments, e.g. -k audit]
#
# Every step runs even after an earlier one failed, so one run shows every
# problem; the exit status is non-zero when any step failed. pytest's "no tests
# collected" (exit 5) counts as a failure. `.ci/run` calls this script.
#
# Environment: JARING_TEST_WORKERS (pytest-xdist workers, default 2 on a machine
# with two or more cores, 0 to run in one process) and JARING_TEST_DATABASES
# ("sqlite postgres" by default).

set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$JARING_ROOT"

started=$SECONDS
ensure_venv
ensure_python_deps dev
ensure_chromium
databases="${JARING_TEST_DATABASES:-sqlite postgres}"
case " $databases " in *" postgres "*) ensure_postgres ;; esac
say "Setup done in $((SECONDS - started)) s"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PYTHONDONTWRITEBYTECODE=1
# The suite sets up its own data directory, key file and database; a variable left
# over from a real installation must not leak into it.
unset DATABASE_URL DJANGO_SETTINGS_MODULE
while read -r name; do unset "$name"; done < <(compgen -e | grep '^JARING_' | grep -v '^JARING_TEST_')

if [ -z "${JARING_TEST_WORKERS:-}" ]; then
    if [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then JARING_TEST_WORKERS=2; else JARING_TEST_WORKERS=0; fi
fi
pytest_args=(-q -n "$JARING_TEST_WORKERS" "$@")

results=()
failed=0

# run_step NAME COMMAND...: run, time and record one step without stopping the script.
run_step() {
    local name="$1" begin=$SECONDS status=0
    shift
    say "$name"
    "$@" || status=$?
    local took=$((SECONDS - begin)) verdict="passed"
    if [ "$status" = 5 ] && [[ "$name" == pytest* ]]; then
        verdict="FAILED (no tests were collected)"
    elif [ "$status" != 0 ]; then
        verdict="FAILED (exit $status)"
    fi
    [ "$status" = 0 ] || failed=1
    results+=("$(printf '%-28s %-34s %5d s' "$name" "$verdict" "$took")")
}

# A private PostgreSQL server: own data directory, unix socket only, no fsync
# (the data is thrown away), stopped and deleted when this script exits.
PG_DIR=""
PG_RUN=()
stop_postgres() {
    [ -n "$PG_DIR" ] || return 0
    (cd "$PG_DIR" && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop \
        >/dev/null 2>&1) || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
trap stop_postgres EXIT
trap 'exit 130' INT TERM

start_postgres() {
    PG_BIN="$(postgres_bindir)"
    PG_DIR="$(mktemp -d /tmp/jaring-pg.XXXXXX)"
    chmod 0755 "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run it as the postgres system user.
        local pg_user=postgres
        if ! id "$pg_user" >/dev/null 2>&1; then
            pg_user=jaring-pg
            id "$pg_user" >/dev/null 2>&1 \
                || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
        fi
        chown "$pg_user" "$PG_DIR"
        PG_RUN=(runuser -u "$pg_user" --)
    else
        PG_RUN=(env)
    fi
    (
        cd "$PG_DIR"
        "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U jaring -A trust -E UTF8 \
            --locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 \
            || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
        "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c synchronous_commit=off \
                -c full_page_writes=off -c max_connections=50" start >/dev/null \
            || { cat "$PG_DIR/server.log" >&2; exit 1; }
        "${PG_RUN[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -U jaring jaring
    ) || return 1
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') is up at $PG_DIR"
}

pytest_on_postgres() {
    start_postgres || return 1
    local status=0
    # The server's own client tools first on PATH, so that pg_dump and pg_restore
    # (used by the backup tests) match the server's version.
    DATABASE_URL="postgres://jaring@${PG_DIR//\//%2F}/jaring" PATH="$PG_BIN:$PATH" \
        "$VENV/bin/pytest" "${pytest_args[@]}" || status=$?
    stop_postgres
    return "$status"
}

lint_paths=()
for path in src tests benchmarks; do [ -d "$path" ] && lint_paths+=("$path"); done

run_step "ruff" "$VENV/bin/ruff" check "${lint_paths[@]}"
run_step "mypy" "$VENV/bin/mypy" src
for database in $databases; do
    case "$database" in
        sqlite) run_step "pytest on SQLite" "$VENV/bin/pytest" "${pytest_args[@]}" ;;
        postgres) run_step "pytest on PostgreSQL" pytest_on_postgres ;;
        *) die "unknown database $database in JARING_TEST_DATABASES" ;;
    esac
done

echo
say "Summary (total $((SECONDS - started)) s)"
for line in "${results[@]}"; do echo "  $line"; done
if [ "$failed" != 0 ]; then
    printf '%sSome steps failed.%s\n' "$RED" "$PLAIN"
    exit 1
fi
printf '%sEverything passed.%s\n' "$GREEN" "$PLAIN"
