# Sourced by the bench scripts that run DuckDB: installs DuckDB for Python in .venv (the
# version tests/run.sh pins) when it is missing, and sets `python` to that environment's.
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import duckdb' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$(grep '^duckdb==' tests/tools/requirements.txt)"
fi
python=$PWD/.venv/bin/python
