#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all.
#
#   bash tests/run.sh            # everything
#   bash tests/run.sh -k sweep   # extra arguments go to pytest
#
# It makes a virtual environment in .venv, installs requirements-test.txt
# from PyPI, installs Debian's chromium for the browser tests when no
# Chromium is found and Debian's haproxy for tests/browser/test_deploy.py when it is
# missing (as root, through apt-get), and runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

if [ -z "${POOLING_LAB_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser tests (apt-get)..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
        echo "No Chromium found and no root apt-get to install it." >&2
        echo "Install it (Debian/Ubuntu: sudo apt-get install chromium), or set POOLING_LAB_CHROMIUM" >&2
        echo "to a Chromium binary. The browser tests will fail until then." >&2
    fi
fi

if ! command -v haproxy >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's haproxy for the deploy tests (apt-get)..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
    else
        echo "No HAProxy found and no root apt-get to install it." >&2
        echo "Install it (Debian/Ubuntu: sudo apt-get install haproxy). tests/browser/test_deploy.py will fail until then." >&2
    fi
fi

exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
