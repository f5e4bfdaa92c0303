#!/bin/sh
# run.sh - golden tests of privacy-milter --test-message
#
# usage: run.sh [--srcdir DIR] [--builddir DIR] [--update] [CASE...]
#
# A case is a message tests/data/CASE.eml (as the MTA would pass it on) and
# a directory tests/golden/cases/CASE holding
#
#     args          the command-line arguments, one per line: "#" comments
#                   and empty lines skipped; "--hide-first-received" and
#                   "-o Key=value" are passed as they are, every other line
#                   NAME=VALUE is passed as --macro NAME=VALUE;
#     out           what standard output must be, byte for byte;
#     err           what standard error must be, followed by "[exit N]".
#
# Every directory there is a case: adding a case is adding a message and a
# directory (make dist ships the whole of tests/data and tests/golden/cases).
# For each CASE (all of
# them when no CASE is named) run
#
#     privacy-milter -c tests/golden/test.conf -o RulesFile=rules/default.rules \
#         --test-message tests/data/CASE.eml ARGS
#
# from the top source directory. One line per case, then a summary; exit 1
# when any case differs. --update rewrites out and err from the current
# output (review the diff before committing it: the expected files are the
# specification; a new case starts with --update CASE).
#
# srcdir and builddir default to $top_srcdir/$top_builddir from the
# environment, else to the directories around this script (in-tree build).

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
update=0

while [ $# -gt 0 ]; do
	case "$1" in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	--update) update=1; shift ;;
	--) shift; break ;;
	-*) echo "usage: $0 [--srcdir DIR] [--builddir DIR] [--update] [CASE...]" >&2
	    exit 2 ;;
	*) break ;;
	esac
done

srcdir=$(cd "$srcdir" && pwd) || exit 2
builddir=$(cd "$builddir" && pwd) || exit 2
bin=$builddir/privacy-milter
if [ ! -x "$bin" ]; then
	echo "run.sh: $bin not built" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -eq 0 ]; then
	set --
	for d in "$srcdir"/tests/golden/cases/*/; do
		[ -f "$d/args" ] || continue
		set -- "$@" "$(basename "$d")"
	done
fi

pass=0
fail=0
for name in "$@"; do
	eml=tests/data/$name.eml
	args=$srcdir/tests/golden/cases/$name/args
	exp_out=$srcdir/tests/golden/cases/$name/out
	exp_err=$srcdir/tests/golden/cases/$name/err

	# Build the argument list from the .args file.
	set --
	if [ -f "$args" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			case "$line" in
			''|'#'*) ;;
			--hide-first-received) set -- "$@" "$line" ;;
			'-o '*) set -- "$@" -o "${line#-o }" ;;
			*) set -- "$@" --macro "$line" ;;
			esac
		done < "$args"
	fi

	(cd "$srcdir" && "$bin" -c tests/golden/test.conf \
	    -o RulesFile=rules/default.rules --test-message "$eml" "$@") > "$tmp/out" 2> "$tmp/err"
	echo "[exit $?]" >> "$tmp/err"

	if [ $update -eq 1 ]; then
		cp "$tmp/out" "$exp_out" && cp "$tmp/err" "$exp_err"
		echo "updated: $name"
		pass=$((pass + 1))
		continue
	fi
	if cmp -s "$tmp/out" "$exp_out" && cmp -s "$tmp/err" "$exp_err"; then
		echo "PASS: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name"
		[ -f "$exp_out" ] && diff -u "$exp_out" "$tmp/out" | sed 's/^/    /'
		[ -f "$exp_err" ] && diff -u "$exp_err" "$tmp/err" | sed 's/^/    /'
		[ -f "$exp_out" ] || echo "    missing $exp_out"
		[ -f "$exp_err" ] || echo "    missing $exp_err"
		fail=$((fail + 1))
	fi
done

echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
