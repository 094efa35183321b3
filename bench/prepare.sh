# Sourced by the bench scripts: the generated ledger (made once, kept outside the repository),
# a release build, and one warm-up read so every timed run reads from the page cache.
# Sets `dir` (the ledger's folder); takes the row count as $1 (default 1,000,000), and the
# number of managers as PAYEES (default 500; another number has a ledger of its own,
# /tmp/commission-bench-ROWS-payees-PAYEES, as `bench/compare.sh` makes it).
cd "$(dirname "$0")/.."
rows=${1:-1000000}
payees=${PAYEES:-500}
dir=/tmp/commission-bench-$rows
[ "$payees" = 500 ] || dir=$dir-payees-$payees
dir=${BENCH_DIR:-$dir}
[ -f "$dir/sales.csv" ] || python3 bench/gen_ledger.py "$rows" "$dir" "$payees"
cargo build --release --quiet
cat "$dir/sales.csv" > /dev/null
