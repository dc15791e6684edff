#!/usr/bin/env bash
# Kuangcai set-up and run script for a Debian machine (run as root, or with sudo for apt).
#
#   ./manage.sh demo [--host H] [--port P]   install, migrate, seed demo data, serve on :5000
#   ./manage.sh test [PYTEST ARGS]           install with test tools, lint, run the whole suite
#                                            on SQLite, then the database tests on PostgreSQL
#   ./manage.sh install [--test]             only install
#   ./manage.sh lock                         upgrade requirements/*.lock to the newest releases
#                                            pyproject.toml allows, then run the suite on them
set -euo pipefail
cd "$(dirname "$0")"

RUNTIME_PACKAGES=(python3 python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0
  libpangoft2-1.0-0 poppler-utils)
TEST_PACKAGES=(chromium postgresql libnss3-tools libreoffice-writer-nogui nginx-light)
VENV=.venv

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install() {
  # Python packages come from a lock of exact versions and hashes (requirements/*.lock), so a
  # fresh machine gets what the suite passed on; pyproject.toml keeps the allowed ranges.
  local with_test="${1:-}" lock=requirements/runtime.lock stamp
  apt_install "${RUNTIME_PACKAGES[@]}"
  if [ -n "$with_test" ]; then
    apt_install "${TEST_PACKAGES[@]}"
    lock=requirements/test.lock
  fi
  [ -x "$VENV/bin/python" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
  stamp="$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16) $lock"
  if [ "$(cat "$VENV/.install-stamp" 2>/dev/null)" != "$stamp" ]; then
    log "installing Python packages from $lock"
    "$VENV/bin/pip" install -q --require-hashes --no-deps -r "$lock"
    remove_unlocked "$lock"
    "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e .
    echo "$stamp" > "$VENV/.install-stamp"
  fi
  "$VENV/bin/pybabel" compile --statistics -d portal/translations >/dev/null
}

remove_unlocked() {
  # what an earlier install left that the lock does not name (pip freeze then equals the lock)
  local extra
  extra=$(comm -23 <("$VENV/bin/pip" freeze --exclude-editable | normalise) \
                   <(grep -E '^[A-Za-z0-9]' "$1" | normalise))
  [ -z "$extra" ] || "$VENV/bin/pip" uninstall -q -y $extra
}

normalise() { cut -d= -f1 | tr 'A-Z_.' 'a-z--' | sort -u; }

PIP_TOOLS=pip-tools==7.6.2

lock() {
  # Upgrade both locks to the newest releases pyproject.toml allows (the runtime lock is the
  # test lock's subset), then run the whole suite on them. Commit the lock on its own.
  local tools compile
  tools=$(mktemp -d /tmp/kuangcai-lock.XXXXXX)
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q "$PIP_TOOLS"
  compile=("$tools/bin/pip-compile" -q --upgrade --generate-hashes --allow-unsafe --strip-extras
           --all-build-deps --no-header --no-emit-index-url --no-emit-find-links)
  "${compile[@]}" --extra test -o requirements/test.lock pyproject.toml
  "${compile[@]}" -c requirements/test.lock -o requirements/runtime.lock pyproject.toml
  rm -rf "$tools"
  git --no-pager diff --stat -- requirements/
}

run_pytest() {
  # No tests selected (exit 5: e.g. a file given that has no browser test) is not a failure.
  local status=0
  "$VENV/bin/pytest" -p no:cacheprovider "$@" || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 5 ]
}

pg_start() {
  # A throwaway PostgreSQL cluster owned by the postgres user, on a unix socket only.
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d /tmp/kuangcai-pg.XXXXXX)
  chown postgres "$PG_DIR"
  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses='' -k $PG_DIR -p 54329 -c fsync=off" start >/dev/null
  runuser -u postgres -- "$bin/createdb" -h "$PG_DIR" -p 54329 kuangcai_test
  PG_BIN=$bin
  export KUANGCAI_TEST_DATABASE_URL="postgresql+psycopg://postgres@/kuangcai_test?host=$PG_DIR&port=54329"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true
  rm -rf "$PG_DIR"
}

command="${1:-}"
shift || true
case "$command" in
  install)
    install "${1:-}"
    ;;
  lock)
    lock
    exec "$0" test "$@"
    ;;
  demo)
    install
    "$VENV/bin/kuangcai" db upgrade
    "$VENV/bin/kuangcai" demo
    exec "$VENV/bin/kuangcai" serve "$@"
    ;;
  test)
    install --test
    log "lint (ruff) and types (mypy)"
    "$VENV/bin/ruff" check .
    "$VENV/bin/mypy" codes documents seals jobs portal
    # In parallel (one worker per core) except the browser tests, which run after the rest in
    # one process (Playwright's event loop stays on the thread that ran it).
    log "whole suite on SQLite: all but the browser tests, in parallel"
    run_pytest -n auto -m "not browser" "$@"
    log "browser tests (chromium)"
    run_pytest -m browser "$@"
    log "database tests again on PostgreSQL, in parallel (a database per worker)"
    trap pg_stop EXIT
    pg_start
    run_pytest -n auto -m db "$@"
    ;;
  *)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
