# Sourced by the bench scripts: the generated ledger (made once, kept outside the repository),
# a release build, and one warm-up read so every timed run reads from the page cache.
# Sets `dir` (the ledger's folder); takes the row count as $1 (default 1,000,000).
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dir=${BENCH_DIR:-/tmp/commission-bench-$rows}
[ -f "$dir/sales.csv" ] || python3 bench/gen_ledger.py "$rows" "$dir"
cargo build --release --quiet
cat "$dir/sales.csv" > /dev/null
