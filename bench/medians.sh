# Sourced by the bench scripts that time runs alternately: medians of a times file whose lines
# are `NAME FIELD2 FIELD3 ...` (what `timed` below, or `/usr/bin/time -f "NAME %e ..." -a -o
# FILE`, appends).
#   median_of FILE NAME FIELD   the median of field FIELD (2 is the first figure) of NAME's lines
#   timed FILE NAME COMMAND...  runs COMMAND and appends `NAME WALL USER PEAK_KB SYSTEM` to FILE: the
#                               wall time in milliseconds from the clock around it (the
#                               hundredths of `/usr/bin/time`'s own are too coarse for runs of
#                               a tenth of a second: 0.13 against 0.14 s is 7%), user seconds
#                               and peak memory and system seconds from `/usr/bin/time`
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
median_of() { awk -v w="$2" -v f="$3" '$1==w {print $f}' "$1" | median; }
timed() {
  local file=$1 name=$2 rest t0 t1
  shift 2
  rest=$(mktemp)
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %M %S" -o "$rest" "$@"
  t1=$(date +%s%N)
  echo "$name $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}') $(tail -1 "$rest")" >> "$file"
  rm -f "$rest"
}
