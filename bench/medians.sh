# Sourced by the bench scripts that time runs alternately: medians of a times file whose lines
# are `NAME FIELD2 FIELD3 ...` (what `/usr/bin/time -f "NAME %e ..." -a -o FILE` appends).
#   median_of FILE NAME FIELD   the median of field FIELD (2 is the first figure) of NAME's lines
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
median_of() { awk -v w="$2" -v f="$3" '$1==w {print $f}' "$1" | median; }
