#!/bin/sh
# run-spin.sh -- verify the ring index protocol model (ring.pml) with SPIN.
#
# usage: run-spin.sh SPIN CC WORKDIR VARIANT [MODEL]
#   SPIN     path to the spin executable
#   CC       C compiler used to build the pan verifier (for the build machine)
#   WORKDIR  scratch directory (one per variant, so runs can be parallel)
#   VARIANT  correct | publish-early | full-off-by-one | mask | release-early
#   MODEL    ring.pml (default: next to this script)
#
# Exit status 0 iff
#   correct: pan reports errors: 0, the search is a complete full-statespace
#            search and was not truncated (depth limit, memory);
#   mutant:  pan reports errors >= 1 (the mutant was caught).
# Exit status 77 is never used: this is not a skippable test.

set -u

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
	echo "usage: $0 SPIN CC WORKDIR VARIANT [MODEL]" >&2
	exit 2
fi

spin=$1
cc=$2
workdir=$3
variant=$4
if [ $# -eq 5 ]; then
	model=$5
else
	model=$(dirname "$0")/ring.pml
fi

# Search depth limit for pan (-m).  The correct model reaches ~17.5k.
maxdepth=200000

case $variant in
correct)         define= ;;
publish-early)   define=-DMUTANT_PUBLISH_EARLY ;;
full-off-by-one) define=-DMUTANT_FULL_OFF_BY_ONE ;;
mask)            define=-DMUTANT_MASK ;;
release-early)   define=-DMUTANT_RELEASE_EARLY ;;
*)
	echo "$0: unknown variant '$variant'" >&2
	exit 2
	;;
esac

if [ ! -r "$model" ]; then
	echo "$0: model '$model' not found" >&2
	exit 2
fi

mkdir -p "$workdir" || exit 2
# Work on a copy inside WORKDIR: spin writes pan.* and pan writes the error
# trail (ring.pml.trail) next to the model it was given.
cp "$model" "$workdir/ring.pml" || exit 2
cd "$workdir" || exit 2
rm -f pan pan.c pan.h pan.b pan.m pan.p pan.t ring.pml.trail pan.out

fail() {
	echo "spin [$variant]: FAIL: $*"
	if [ -s pan.out ]; then
		echo "---- pan output ----"
		cat pan.out
		echo "--------------------"
	fi
	exit 1
}

# spin -Dxxx passes -Dxxx to the C preprocessor it runs on the model.
# shellcheck disable=SC2086  # $define is empty or one word
if ! "$spin" $define -a ring.pml > spin.out 2>&1; then
	cat spin.out
	fail "spin -a failed"
fi
[ -s pan.c ] || { cat spin.out; fail "spin did not generate pan.c"; }

# Only safety properties (assertions, invalid end states) are checked, so
# pan is built with -DSAFETY; invalid end states (deadlocks) are still
# reported in this mode (they are only suppressed by pan -E).
if ! "$cc" -O1 -DSAFETY -o pan pan.c > cc.out 2>&1; then
	cat cc.out
	fail "compiling pan.c failed"
fi

./pan -m$maxdepth > pan.out 2>&1
rc=$?

errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' pan.out | tail -n 1)
depth=$(sed -n 's/.*depth reached \([0-9][0-9]*\).*/\1/p' pan.out | tail -n 1)
states=$(sed -n 's/^ *\([0-9][0-9.e+]*\) states, stored.*/\1/p' pan.out | tail -n 1)
etime=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\).*/\1/p' pan.out | tail -n 1)
firsterr=$(grep -m 1 '^pan:1:' pan.out)

summary="states stored=${states:-?} depth=${depth:-?} errors=${errors:-?} time=${etime:-?}s"

[ -n "$errors" ] || fail "$summary: no 'errors:' line in pan output (pan exit status $rc)"

if [ "$variant" = correct ]; then
	[ "$errors" -eq 0 ] || fail "$summary: ${firsterr:-errors found}"
	grep -q 'Full statespace search' pan.out ||
		fail "$summary: not a full state-space search"
	if grep -q -i -e 'max search depth too small' \
	              -e 'search not completed' \
	              -e 'search was not completed' \
	              -e 'out of memory' \
	              -e 'MEMLIM' \
	              -e 'hash table is full' pan.out; then
		fail "$summary: search truncated / incomplete"
	fi
	[ "$depth" -lt "$maxdepth" ] || fail "$summary: depth limit reached"
	echo "spin [$variant]: $summary: OK (exhaustive, no violations)"
	exit 0
else
	[ "$errors" -ge 1 ] || fail "$summary: mutant NOT caught"
	echo "spin [$variant]: $summary: OK (mutant caught: ${firsterr#pan:1: })"
	echo "  replay: cd '$workdir' && '$spin' $define -t -p ring.pml"
	exit 0
fi
