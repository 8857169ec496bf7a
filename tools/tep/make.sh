#!/usr/bin/env bash
# Builds Braatz's closed-loop Tennessee Eastman simulator (teprob.f, temain_mod.f) with the CSV driver (driver.f,
# fmtg.c) and writes the layouts docs/detection.md measures into OUTDIR, then checks that its runs of data/tep's three
# files are those files byte for byte.
#   bash tools/tep/make.sh OUTDIR [LAYOUT ...]    JOBS=N: runs at once (default: nproc)
# LAYOUT: ds500 ds700 ds420 ds700s9000 ds500s8000 ds160 ds160s6000 ds160s7000 normal3 (default: all; 163 runs of
# about 5 s of CPU each). The three runs the check needs are always made.
set -eu

ALL="ds500 ds700 ds420 ds700s9000 ds500s8000 ds160 ds160s6000 ds160s7000 normal3"
if [ $# -lt 1 ]; then
  echo "usage: bash tools/tep/make.sh OUTDIR [LAYOUT ...]   (LAYOUT: $ALL; default all)" >&2
  exit 2
fi
DEST=$1
shift
WANT=${*:-$ALL}
for l in $WANT; do
  case " $ALL " in
    *" $l "*) ;;
    *)
      echo "tools/tep/make.sh: no layout $l (one of: $ALL)" >&2
      exit 2
      ;;
  esac
done
for tool in gfortran gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tools/tep/make.sh: $tool not found; on Debian or Ubuntu: apt-get install gfortran" >&2
    exit 1
  fi
done

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
mkdir -p "$DEST"
OUT=$(cd "$DEST" && pwd)
JOBS=${JOBS:-$(nproc)}

# The simulator: driver.f replaces temain_mod.f's main program; the subroutines are temain_mod.f's, from line 435 on.
mkdir -p "$OUT/build"
sed -n '435,$p' "$HERE/temain_mod.f" > "$OUT/build/temain_sub.f"
gcc -O2 -c "$HERE/fmtg.c" -o "$OUT/build/fmtg.o"
gfortran -O2 -std=legacy "$HERE/driver.f" "$OUT/build/temain_sub.f" "$HERE/teprob.f" "$OUT/build/fmtg.o" \
  -o "$OUT/build/tedriver" 2> "$OUT/build/compile.log"
gfortran --version | head -1 > "$OUT/build/compiler.txt"

# One line per run: file, fault (0: normal), noise seed, first faulty sample. Every run is 960 samples (48 h).
# A layout: its folder, the first noise seed less one, the first faulty sample.
layout() {
  case $1 in
    ds500) echo 2000 501 ;;
    ds700) echo 4000 701 ;;
    ds420) echo 5000 421 ;;
    ds700s9000) echo 9000 701 ;;
    ds500s8000) echo 8000 501 ;;
    ds160) echo 1000 161 ;;
    ds160s6000) echo 6000 161 ;;
    ds160s7000) echo 7000 161 ;;
  esac
}
jobs="$OUT/build/jobs.txt"
{
  echo "check/normal.csv 0 3001 961"
  case " $WANT " in *" ds500 "*) ;; *) echo "ds500/fault01.csv 1 2001 501" && echo "ds500/fault11.csv 11 2011 501" ;; esac
  for l in $WANT; do
    if [ "$l" = normal3 ]; then
      echo "normal3/normal3002.csv 0 3002 961"
      echo "normal3/normal3003.csv 0 3003 961"
      continue
    fi
    set -- $(layout "$l")
    for k in $(seq 1 20); do
      echo "$l/fault$(printf %02d "$k").csv $k $(($1 + k)) $2"
    done
  done
} > "$jobs"
for f in $(cut -d' ' -f1 "$jobs"); do mkdir -p "$OUT/$(dirname "$f")"; done

echo "tools/tep/make.sh: $(wc -l < "$jobs") runs of 48 h, $JOBS at a time, into $OUT" >&2
xargs -P "$JOBS" -L 1 sh -c '"$0/build/tedriver" "$2" "$3" 960 "$4" > "$0/$1.tmp" && mv "$0/$1.tmp" "$0/$1"' \
  "$OUT" < "$jobs"

# The runs data/tep holds: normal.csv is seed 3001, fault01.csv and fault11.csv are ds500's.
ok=1
for pair in check/normal.csv:normal.csv ds500/fault01.csv:fault01.csv ds500/fault11.csv:fault11.csv; do
  cmp "$OUT/${pair%%:*}" "$REPO/data/tep/${pair#*:}" || ok=0
done
if [ "$ok" = 1 ]; then
  echo "verify: $OUT's runs of data/tep/normal.csv, fault01.csv and fault11.csv are identical to them"
else
  echo "verify: MISMATCH with data/tep (compiler: $(cat "$OUT/build/compiler.txt"))" >&2
  exit 1
fi
