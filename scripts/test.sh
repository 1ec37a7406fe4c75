#!/usr/bin/env bash
# Runs Koers' test suite on a bare Debian 12 machine (root, python3 with venv + pip).
# Our tests use a real PostgreSQL and a real Chromium, and nothing installed by hand
# survives a fresh machine, so this script installs what the tests need first.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
# The PostgreSQL fixture starts its own throwaway cluster from these binaries;
# we never start or stop a system cluster here.
missing=()
if [ ! -x /usr/bin/chromium ] && ! dpkg -s chromium >/dev/null 2>&1; then
    missing+=(chromium)
fi
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! dpkg -s postgresql >/dev/null 2>&1; then
    missing+=(postgresql)
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO=(sudo)
        else
            echo "error: need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    # Lock timeout: another apt run (e.g. an image's own setup) may still hold the lock.
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
        install -y -qq --no-install-recommends "${missing[@]}"
else
    log "Debian packages present (chromium, postgresql)"
fi

# --- Python environment ----------------------------------------------------
# A .venv copied from another machine can point at a Python that is not here.
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    log "creating .venv"
    rm -rf .venv
    python3 -m venv .venv
else
    log "using existing .venv ($(.venv/bin/python -V 2>&1))"
fi

log "installing koers with test extras"
.venv/bin/python -m pip install -q -e '.[test]'

# --- Tests -----------------------------------------------------------------
log "running pytest $*"
exec .venv/bin/python -m pytest "$@"
