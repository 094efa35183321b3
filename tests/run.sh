#!/usr/bin/env bash
# The README's test command: installs the peers some tests run against, then runs every test.
#  - DuckDB and PySpark (tests/tools/requirements.txt) into .venv, a local virtual environment;
#  - Debian's Chromium (layout tests of the HTML pages), when it is not on the machine;
#  - Debian's PostgreSQL server (the SQL tests start one on a local port), likewise.
# Nothing is skipped: a test whose peer is missing fails and says to run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ] || ! cmp -s tests/tools/requirements.txt .venv/requirements.txt; then
  echo "== installing the test peers into .venv (DuckDB, PySpark; once)"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/tools/requirements.txt
  cp tests/tools/requirements.txt .venv/requirements.txt
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing Debian's PostgreSQL server (once; the SQL tests start it on a local port)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql >/dev/null
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium (once)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

export COMMISSION_TEST_PYTHON="$PWD/.venv/bin/python"
# Records of ledgers read with no problem (README, "Explaining after a run") stay in the build
# folder, not in the developer's cache.
export COMMISSION_CHECKED="$PWD/target/tmp/checked"
cargo test "$@"
