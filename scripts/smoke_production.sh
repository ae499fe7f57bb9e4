#!/usr/bin/env bash
# Production smoke test: gunicorn with the production settings (SCARPETTE_ENV=production, keys
# from *_FILE, throwaway) against a fresh PostgreSQL database. Checks that /salute/ and the login
# page answer through the TLS proxy's header, that plain HTTP is redirected to HTTPS (except the
# health check), the security headers, secure cookies and a static file. Stops gunicorn always.
#
# Server: the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD (default postgres@127.0.0.1:5432).
# SMOKE_DB: the database, dropped and re-created (default scarpette_smoke).
# PY: the Python to use (default .venv/bin/python); gunicorn is taken from the same directory.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"
DB="${SMOKE_DB:-scarpette_smoke}"
PY="${PY:-.venv/bin/python}"
GUNICORN="$(dirname "$PY")/gunicorn"

WORK="$(mktemp -d)"
chmod 700 "$WORK"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  dropdb --if-exists "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "smoke FAILED: $*" >&2
  [ -f "$WORK/gunicorn.log" ] && { echo "--- gunicorn log (last lines)" >&2; tail -n 30 "$WORK/gunicorn.log" >&2; }
  exit 1
}
step() { echo "smoke: $*"; }
start=$(date +%s)

# Throwaway production keys, in files readable by this user only (as the *_FILE variables expect).
key() { "$PY" -c "import base64,os;print(base64.b64encode(os.urandom(32)).decode())"; }
"$PY" -c "import secrets;print(secrets.token_urlsafe(64))" >"$WORK/secret_key"
echo "k1:$(key)" >"$WORK/field_encryption_keys"
key >"$WORK/field_hmac_key"
chmod 600 "$WORK"/secret_key "$WORK"/field_*

PORT="$("$PY" -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")"
BASE="http://127.0.0.1:$PORT"
PRODUCTION_ENV=(
  SCARPETTE_ENV=production
  SECRET_KEY_FILE="$WORK/secret_key"
  FIELD_ENCRYPTION_KEYS_FILE="$WORK/field_encryption_keys"
  FIELD_HMAC_KEY_FILE="$WORK/field_hmac_key"
  ALLOWED_HOSTS=127.0.0.1
  SITE_URL="$BASE"
  DATABASE_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/$DB"
  LOG_LEVEL=WARNING
)
UNSET=(-u DJANGO_SETTINGS_MODULE -u SCARPETTE_VAR_DIR -u DJANGO_DEBUG -u MFA_REQUIRED)
production() { env "${UNSET[@]}" "${PRODUCTION_ENV[@]}" "$@"; }

step "database $DB: create and migrate with the production settings"
dropdb --if-exists "$DB"
createdb "$DB"
production "$PY" manage.py migrate --noinput --verbosity=0
production "$PY" manage.py check --deploy --fail-level WARNING >/dev/null ||
  fail "manage.py check --deploy reports problems"
production "$PY" manage.py collectstatic --noinput --verbosity=0

step "gunicorn on $BASE (2 workers)"
# A simple command in the background, not the function: $! must be gunicorn's own PID (env execs).
env "${UNSET[@]}" "${PRODUCTION_ENV[@]}" "$GUNICORN" config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --timeout 30 --no-control-socket --access-logfile - >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$BASE/salute/" && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || fail "gunicorn exited at start-up"
  sleep 0.5
done

# fetch NAME PATH [curl options]: headers in $WORK/NAME.h, body in $WORK/NAME.b; prints the status.
fetch() {
  local name=$1 path=$2
  shift 2
  curl -s -o "$WORK/$name.b" -D "$WORK/$name.h" -w '%{http_code}' "$@" "$BASE$path" || echo 000
}
header() { grep -i "^$2:" "$WORK/$1.h" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
expect_status() { [ "$2" = "$3" ] || fail "$1 answered $2, expected $3"; }
expect_header() { # NAME HEADER SUBSTRING
  local value
  value="$(header "$1" "$2")"
  [[ "$value" == *"$3"* ]] || fail "$1: header $2 is '${value}', expected it to contain \"$3\""
}
HTTPS=(-H "X-Forwarded-Proto: https")

status=$(fetch health /salute/ "${HTTPS[@]}")
expect_status "/salute/" "$status" 200
grep -qx '{"status": "ok"}' "$WORK/health.b" || fail "/salute/ body is '$(cat "$WORK/health.b")'"
status=$(fetch health_http /salute/)
expect_status "/salute/ on plain HTTP (the balancer's probe)" "$status" 200

status=$(fetch login_http /accounts/login/)
expect_status "the login page on plain HTTP" "$status" 301
expect_header login_http Location "https://"

status=$(fetch login /accounts/login/ "${HTTPS[@]}")
expect_status "the login page through the TLS proxy" "$status" 200
grep -q 'name="password"' "$WORK/login.b" || fail "the login page has no password field"
for page in health login; do
  expect_header $page Content-Security-Policy "default-src 'self'"
  expect_header $page Content-Security-Policy "frame-ancestors 'none'"
  expect_header $page Strict-Transport-Security "max-age=63072000"
  expect_header $page X-Content-Type-Options nosniff
  expect_header $page Referrer-Policy same-origin
  expect_header $page X-Frame-Options DENY
  expect_header $page Cache-Control no-store
done
grep -i '^set-cookie: __Host-csrftoken=' "$WORK/login.h" | grep -qi 'secure' ||
  fail "the CSRF cookie is not __Host- and Secure"
grep -qi "^server:.*gunicorn/" "$WORK/login.h" && fail "the Server header names gunicorn's version"

css="$(grep -o '/static/[^"]*\.css' "$WORK/login.b" | head -n 1)"
[ -n "$css" ] || fail "the login page links no stylesheet"
status=$(fetch static "$css" "${HTTPS[@]}")
expect_status "the stylesheet $css (whitenoise, hashed name)" "$status" 200

status=$(fetch missing /non-esiste/ "${HTTPS[@]}")
expect_status "an unknown address" "$status" 404
expect_header missing Content-Security-Policy "frame-ancestors 'none'"
grep -qi "traceback\|django" "$WORK/missing.b" && fail "the 404 page shows technical details"

step "OK in $(($(date +%s) - start)) s: /salute/, login page, HTTPS redirect, headers, cookies, static"
