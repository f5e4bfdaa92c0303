#!/bin/sh
# audit.sh - privacy-milter --audit against exact output
#
# usage: audit.sh [--srcdir DIR] [--builddir DIR] [--update]
#
# 1. Every case (tests/data/CASE.eml) through --audit with the session its
#    args describe (as run.sh passes them to --test-message): in-scope mail
#    must leak nothing after rules/default.rules (issue 11: "leaks
#    remaining: must be 0 for in-scope mail"), and the totals are exact.
# 2. Three messages as an mbox, as a maildir and as a directory of .eml
#    files, under one session: the same table from all three sources,
#    byte for byte tests/golden/audit/table.out, and the JSON form
#    tests/golden/audit/report.json; exit status 0.
# 3. The same mbox under rules that do nothing: the table of what leaks,
#    tests/golden/audit/none.out, with --audit-values; exit status 1.
# --update rewrites the expected files from the current output (review
# the diff: they are the specification).

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
update=0
while [ $# -gt 0 ]; do
	case "$1" in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	--update) update=1; shift ;;
	*) echo "usage: $0 [--srcdir DIR] [--builddir DIR] [--update]" >&2; exit 2 ;;
	esac
done
srcdir=$(cd "$srcdir" && pwd) || exit 2
builddir=$(cd "$builddir" && pwd) || exit 2
bin=$builddir/privacy-milter
exp=$srcdir/tests/golden/audit
[ -x "$bin" ] || { echo "audit.sh: $bin not built" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-audit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$srcdir" || exit 2
fail=0

# check NAME WANT GOT - compare (or update) one expected file
check() {
	if [ "$update" = 1 ]; then
		cp "$3" "$2"
		echo "updated: $1"
	elif cmp -s "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		diff -u "$2" "$3" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

# audit_case CASE - --audit of one case with its own session (run.sh's args)
audit_case() {
	set --
	while IFS= read -r l || [ -n "$l" ]; do
		case "$l" in
		'' | '#'*) continue ;;
		--hide-first-received) set -- "$@" --hide-first-received ;;
		'-o '*) set -- "$@" -o "${l#-o }" ;;
		*) set -- "$@" --macro "$l" ;;
		esac
	done <"tests/golden/cases/$c/args"
	"$bin" -c tests/golden/test.conf -o RulesFile=rules/default.rules "$@" \
	    --audit --audit-json "tests/data/$c.eml"
}

# 1. every case with its own session
for d in tests/golden/cases/*/; do
	c=$(basename "$d")
	[ "$c" = broken-rules ] && continue # its rules do not load, on purpose
	audit_case "$c" >"$tmp/$c.json" 2>"$tmp/$c.err"
	echo "$c $?"
done >"$tmp/exits"
if grep -v ' 0$' "$tmp/exits" >"$tmp/bad"; then
	echo "FAIL: --audit leaks or fails with rules/default.rules:"
	sed 's/^/    /' "$tmp/bad"
	fail=$((fail + 1))
else
	echo "ok: every case: in-scope mail leaks nothing after the default rules"
fi
cat "$tmp"/*.json | sed -n 's/^{"messages": \([0-9]*\), "in_scope": \([0-9]*\), "changed": \([0-9]*\), "leaking": \([0-9]*\), "signed_kept": \([0-9]*\), "forwarded": \([0-9]*\), "out_of_scope": \([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/p' |
    awk '{ for (i = 1; i <= 7; i++) t[i] += $i }
	END { printf "messages %d, in scope %d, changed %d, leaking %d, signed %d, forwarded %d, out of scope %d\n", t[1], t[2], t[3], t[4], t[5], t[6], t[7] }' \
    >"$tmp/totals"
check "the cases' totals" "$exp/totals.out" "$tmp/totals"

# 2. three messages as an mbox, a maildir and a directory of files
msgs="thunderbird-ipv4 outlook panel-cpanel-php"
for m in $msgs; do
	printf 'From MAILER-DAEMON Mon Nov 23 12:00:00 2026\n'
	cat "tests/data/$m.eml"
	printf '\n'
done >"$tmp/sample.mbox"
mkdir -p "$tmp/maildir/cur" "$tmp/maildir/new" "$tmp/tmp" "$tmp/eml"
set -- $msgs
cp "tests/data/$1.eml" "$tmp/maildir/cur/1.host:2,S"
cp "tests/data/$2.eml" "$tmp/maildir/new/2.host"
cp "tests/data/$3.eml" "$tmp/maildir/new/3.host"
for m in $msgs; do
	cp "tests/data/$m.eml" "$tmp/eml/$m.eml"
done
session="--macro client_addr=91.91.1.2 --macro client_port=51234
	--macro client_name=ip5b5b0102.dynamic.kabel-deutschland.de
	--macro {auth_authen}=alice --macro {j}=mail.example.org"
run() {
	"$bin" -c tests/golden/test.conf -o RulesFile=rules/default.rules \
	    $session --hide-first-received --audit "$@"
}
for src in sample.mbox maildir eml; do
	run "$tmp/$src" >"$tmp/$src.out" 2>"$tmp/$src.err"
	echo "[exit $?]" >>"$tmp/$src.out"
	cat "$tmp/$src.err" >>"$tmp/$src.out"
done
check "the table (mbox)" "$exp/table.out" "$tmp/sample.mbox.out"
check "the table (maildir, the same)" "$exp/table.out" "$tmp/maildir.out"
check "the table (directory of .eml files, the same)" "$exp/table.out" \
    "$tmp/eml.out"
run --audit-json "$tmp/sample.mbox" >"$tmp/report.json" 2>&1
check "the JSON report" "$exp/report.json" "$tmp/report.json"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
    "$tmp/report.json" 2>/dev/null; then
	echo "ok: the JSON report parses"
elif command -v python3 >/dev/null; then
	echo "FAIL: the JSON report does not parse"
	fail=$((fail + 1))
fi

# 3. rules that do nothing: what the sample leaks, values listed
: >"$tmp/none.rules"
"$bin" -c tests/golden/test.conf -o "RulesFile=$tmp/none.rules" $session \
    --hide-first-received --audit --audit-values "$tmp/sample.mbox" \
    >"$tmp/none.out" 2>&1
echo "[exit $?]" >>"$tmp/none.out"
check "no rules: what leaks, with the values" "$exp/none.out" "$tmp/none.out"

[ "$update" = 1 ] && exit 0
echo "audit: $fail failed"
[ "$fail" -eq 0 ]
