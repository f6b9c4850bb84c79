#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all.
#
#   bash tests/run.sh            # everything
#   bash tests/run.sh -k sweep   # extra arguments go to pytest
#
# It makes a virtual environment in .venv, installs requirements-test.txt
# from PyPI, installs Debian's chromium for the browser tests when no
# Chromium is found and Debian's haproxy for tests/browser/test_deploy.py when it is
# missing (as root, through apt-get), and runs pytest: the tests that start a
# server or a browser last, one at a time (see the end of this file).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

# apt_install PACKAGE WHAT: install a Debian package through apt-get when root can; else say what to do.
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's $1 for $2 (apt-get)..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
    else
        echo "No $1 found and no root apt-get to install it: install it (Debian/Ubuntu: sudo apt-get install $1)." >&2
        echo "$2 will fail until then." >&2
    fi
}

if [ -z "${POOLING_LAB_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium "the browser tests"  # or set POOLING_LAB_CHROMIUM to a Chromium binary
fi
if ! command -v haproxy >/dev/null 2>&1; then
    apt_install haproxy "tests/browser/test_deploy.py"
fi

# Two passes. The tests that start a Streamlit server or Chromium (markers "server" and "browser") load both
# cores and time what they wait for: beside other tests, a busy replica missed its health check and a request
# timed out. They run last, one at a time, with the machine to themselves; everything else runs first on both
# cores. (pytest-xdist's --dist loadgroup was to keep them on one worker, but under pytest 9 it groups nothing:
# it renames item._nodeid, which pytest 9 no longer reads.) Both passes always run. One that selects no test
# (pytest's exit code 5, e.g. with -k) is not a failure unless neither selects any; else the run fails if
# either pass fails.
first=0 second=0
.venv/bin/python -m pytest -n 2 -m "not server and not browser" "$@" || first=$?
.venv/bin/python -m pytest -n 0 -m "server or browser" "$@" || second=$?
if [ "$first" = 5 ] && [ "$second" = 5 ]; then exit 5; fi
[ "$first" = 5 ] && first=0
[ "$second" = 5 ] && second=0
if [ "$first" != 0 ]; then exit "$first"; fi
exit "$second"
