#!/bin/sh
#++
# NAME
#	test_postfix_compat.sh 1
# SUMMARY
#	rules.c answers header_checks lookups exactly as Postfix does
# SYNOPSIS
#	tests/unit/test_postfix_compat.sh
# DESCRIPTION
#	For every table tests/unit/compat/*.pcre and every message
#	tests/unit/compat/*.msg, compares what Postfix answers
#	("postmap -hmq - pcre:TABLE < MESSAGE": each matching logical
#	header, a TAB and the table's result) with what
#	tests/unit/rules_oracle answers using rules_load() and
#	rules_match(). Postfix must load every table without a warning
#	(a line Postfix skips would make the comparison meaningless).
#
#	Environment: srcdir (top source directory, set by "make check"),
#	RULES_ORACLE (default ./tests/unit/rules_oracle), POSTMAP.
# DIAGNOSTICS
#	Exit 0 when all answers agree, 1 with a diff otherwise, 77 (skip)
#	when postmap is not installed.
#--

srcdir=${srcdir:-.}
data=$srcdir/tests/unit/compat
oracle=${RULES_ORACLE:-./tests/unit/rules_oracle}
postmap=${POSTMAP:-$(PATH=$PATH:/usr/sbin:/usr/local/sbin command -v postmap)}

if [ -z "$postmap" ] || [ ! -x "$postmap" ]; then
	echo "postmap not installed: skipped"
	exit 77
fi
if [ ! -x "$oracle" ]; then
	echo "$oracle: not built" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-compat.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# A private configuration (smtputf8 on, as with a current main.cf):
# postmap must not depend on /etc/postfix.
mkdir "$tmp/conf" &&
    echo "compatibility_level = 3.6" >"$tmp/conf/main.cf" || exit 1

fail=0
compared=0
answers=0
for table in "$data"/*.pcre; do
	for msg in "$data"/*.msg; do
		name="$(basename "$table") < $(basename "$msg")"
		"$postmap" -c "$tmp/conf" -hmq - "pcre:$table" <"$msg" \
		    >"$tmp/want" 2>"$tmp/want.err"
		if [ -s "$tmp/want.err" ]; then
			echo "FAIL $name: postmap warned:" >&2
			cat "$tmp/want.err" >&2
			fail=1
			continue
		fi
		if ! "$oracle" "$table" <"$msg" >"$tmp/got" 2>"$tmp/got.err" ||
		    [ -s "$tmp/got.err" ]; then
			echo "FAIL $name: rules_oracle failed:" >&2
			cat "$tmp/got.err" >&2
			fail=1
			continue
		fi
		compared=$((compared + 1))
		answers=$((answers + $(grep -c "$(printf '\t')" "$tmp/want")))
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			echo "FAIL $name: Postfix (-) and rules.c (+) differ:" >&2
			diff -u "$tmp/want" "$tmp/got" >&2
			fail=1
		fi
	done
done

# Guard against a vacuous pass.
if [ "$compared" -lt 20 ] || [ "$answers" -lt 40 ]; then
	echo "FAIL: only $compared comparisons with $answers answers" >&2
	fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: $compared table/message pairs, $answers answers agree"
exit $fail
