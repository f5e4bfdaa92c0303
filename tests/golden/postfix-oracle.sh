#!/bin/sh
# postfix-oracle.sh - Postfix and privacy-milter agree on a header_checks table
#
# usage: postfix-oracle.sh [--srcdir DIR] [--builddir DIR] [TABLE]
#
# Postfix is the oracle for header_checks compatibility: every header of
# every message of tests/data is looked up one at a time with
#
#     postmap -hmq - pcre:TABLE
#
# and run through privacy-milter --test-message with TABLE as its only
# rules file (no TLS header). Where Postfix answers "REPLACE text", the
# milter must print text; where Postfix has no match, the milter must print
# the header unchanged, byte for byte. A replaced header must be byte for
# byte what Postfix writes too: the milter keeps a fold a capture carries
# as Postfix does, and re-folds only a line longer than 78 octets, which
# no replaced header in those messages has. TABLE defaults to both
# companion tables, rules/postfix-own-received.pcre and
# rules/postfix-pickup-received.pcre. Exit 77 (skipped) without postmap or
# Postfix's pcre map type.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
while [ $# -gt 0 ]; do
	case "$1" in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	*) break ;;
	esac
done
srcdir=$(cd "$srcdir" && pwd) || exit 2
builddir=$(cd "$builddir" && pwd) || exit 2
tables=${1:-rules/postfix-own-received.pcre rules/postfix-pickup-received.pcre}
bin=$builddir/privacy-milter

PATH=$PATH:/usr/sbin:/sbin
if ! command -v postmap >/dev/null 2>&1; then
	echo "SKIP: postmap not installed"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-oracle.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# A private, minimal Postfix configuration: the test neither needs nor
# touches /etc/postfix/main.cf.
mkdir "$tmp/pfconf" && echo "compatibility_level = 3.6" > "$tmp/pfconf/main.cf"
if ! postconf -c "$tmp/pfconf" -m 2>/dev/null | grep -qx pcre; then
	echo "SKIP: Postfix pcre map type not installed (postfix-pcre)"
	exit 77
fi
[ -x "$bin" ] || { echo "postfix-oracle: $bin not built" >&2; exit 2; }

cd "$srcdir" || exit 2

# check_table TABLE - every header of every case through Postfix and the
# milter with TABLE; one summary line; returns the number that differ
check_table() {
table=$1

# Sanity: the table loads in both.
if ! postmap -c "$tmp/pfconf" -q "Subject: x" "pcre:$table" >/dev/null 2>"$tmp/pm.err" &&
    [ -s "$tmp/pm.err" ]; then
	echo "FAIL: postmap cannot load $table:"; cat "$tmp/pm.err"; return 1
fi
if ! "$bin" -c tests/golden/test.conf -o "RulesFile=$table" --check \
    >/dev/null 2>"$tmp/ck.err"; then
	echo "FAIL: privacy-milter --check refuses $table:"; cat "$tmp/ck.err"
	return 1
fi

n=0
fail=0
same=0
for eml in tests/data/*.eml; do
	# One file per logical header (LF line ends; header section only).
	rm -f "$tmp"/h.[0-9]*
	tr -d '\r' < "$eml" | awk -v dir="$tmp" '
		/^$/ { exit }
		/^[ \t]/ { if (f != "") print > f; next }
		/^[^ \t:]+:/ { if (f != "") close(f); f = sprintf("%s/h.%04d", dir, ++i); print > f; next }
		{ exit }'
	for h in "$tmp"/h.*; do
		[ -f "$h" ] || continue
		n=$((n + 1))
		# What Postfix does: "HEADER<TAB>RESULT", or nothing.
		postmap -c "$tmp/pfconf" -hmq - "pcre:$table" < "$h" > "$tmp/pf" 2>/dev/null
		if [ -s "$tmp/pf" ]; then
			klen=$(wc -c < "$h")
			tail -c +"$((klen))" "$tmp/pf" | sed '1s/^\t//' > "$tmp/res"
			case $(head -c 8 "$tmp/res") in
			"REPLACE ")
				tail -c +9 "$tmp/res" > "$tmp/want" ;;
			*)
				echo "FAIL: $eml: Postfix answers $(head -1 "$tmp/res"); not a REPLACE table?"
				fail=$((fail + 1)); continue ;;
			esac
		else
			cp "$h" "$tmp/want"
		fi
		# What the milter does with the same header.
		"$bin" -c tests/golden/test.conf -o "RulesFile=$table" \
		    -o TLSHeader=no --test-message "$h" > "$tmp/got" 2>/dev/null
		if cmp -s "$tmp/want" "$tmp/got"; then
			same=$((same + 1))
		else
			echo "FAIL: $eml: $(head -1 "$h")"
			diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	done
done
echo "postfix-oracle: $n headers: $same identical, $fail differ ($table)"
return $((fail > 0))
}

rc=0
for t in $tables; do
	check_table "$t" || rc=1
done
exit $rc
