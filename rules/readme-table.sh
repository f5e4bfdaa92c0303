#!/bin/sh
# NAME
#	readme-table.sh - README's "What it removes" table from a rules file
# SYNOPSIS
#	rules/readme-table.sh RULES
#	rules/readme-table.sh --check README RULES
#	rules/readme-table.sh --update README RULES
# DESCRIPTION
#	Reads the comments of a rules file (rules/default.rules) and prints
#	a Markdown table, one row per "# Who: SYSTEM" line: the system (and
#	where its header was verified), the HEADERS of the rule the comment
#	stands above, and what the rule does: the rule's "# What: TEXT"
#	line, or "removed" for a remove rule. A rule without "Who:" lines
#	has no row.
#
#	--check compares the table in README (the lines between the marker
#	lines "<!-- rules-table begin -->" and "<!-- rules-table end -->")
#	with the one RULES gives and prints the difference; "make check"
#	runs it, so the table cannot drift from the rules. --update writes
#	the new table into README.
# DIAGNOSTICS
#	Exit 0; 1 when --check finds a difference; 2 on usage errors, a
#	missing file or marker, or a rule with "Who:" but neither "What:"
#	nor the remove action.

set -u
begin='<!-- rules-table begin -->'
end='<!-- rules-table end -->'

usage() {
	echo "usage: $0 [--check|--update README] RULES" >&2
	exit 2
}

# table RULES - the Markdown table on stdout
table() {
	awk '
	function flush() {
		nwho = 0
		what = ""
	}
	function esc(s) {
		gsub(/\|/, "\\|", s)
		return s
	}
	# headers - the HEADERS words of a native rule, as written
	function headers(rule,    n, w, i, out) {
		n = split(rule, w, /[ \t]+/)
		out = ""
		for (i = 2; i <= n; i++) {
			if (w[i] ~ /^\// || w[i] ~ /^(find|with|except|when)$/)
				break
			out = out (out == "" ? "" : " ") w[i]
		}
		return out
	}
	function emit(rule, line,    act, h, i, a, hs, k, n) {
		if (nwho == 0)
			return
		split(rule, a, /[ \t]+/)
		act = tolower(a[1])
		h = headers(rule)
		if (h == "*") {
			hs = "any header not listed after `except`"
		} else {
			n = split(h, a, /, */)
			hs = ""
			for (k = 1; k <= n; k++)
				if (a[k] != "")
					hs = hs (hs == "" ? "" : ", ") "`" a[k] "`"
		}
		if (what == "" && act == "remove")
			what = "removed"
		if (what == "") {
			printf("%s:%d: a rule with \"Who:\" needs a \"What:\" line\n",
			    FILENAME, line) > "/dev/stderr"
			bad = 1
			exit 2
		}
		for (i = 1; i <= nwho; i++)
			printf("| %s | %s | %s |\n", esc(who[i]), esc(hs), esc(what))
	}
	BEGIN {
		print "| System (where verified) | Header | Action |"
		print "|---|---|---|"
		flush()
	}
	/^[ \t]/ && rule != "" {
		sub(/^[ \t]+/, " ")
		rule = rule $0
		next
	}
	{
		if (rule != "") {
			emit(rule, ruleline)
			flush()
			rule = ""
		}
	}
	/^# Who: / {
		who[++nwho] = substr($0, 8)
		next
	}
	/^# What: / {
		what = what (what == "" ? "" : " ") substr($0, 9)
		next
	}
	/^[A-Za-z]/ {
		if ($1 == "keep-networks") {
			flush()
			next
		}
		rule = $0
		ruleline = NR
	}
	END {
		if (bad)
			exit 2
		if (rule != "")
			emit(rule, ruleline)
	}
	' "$1"
}

case "${1:-}" in
--check | --update)
	[ $# -eq 3 ] || usage
	mode=$1 readme=$2 rules=$3
	;;
-*) usage ;;
*)
	[ $# -eq 1 ] || usage
	[ -r "$1" ] || { echo "$0: cannot read $1" >&2; exit 2; }
	table "$1"
	exit
	;;
esac

for f in "$readme" "$rules"; do
	[ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 2; }
done
if ! grep -qxF "$begin" "$readme" || ! grep -qxF "$end" "$readme"; then
	echo "$0: $readme has no lines \"$begin\" and \"$end\"" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-table.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
table "$rules" >"$tmp/new" || exit 2
awk -v b="$begin" -v e="$end" '
	$0 == e { inside = 0 }
	inside { print }
	$0 == b { inside = 1 }
' "$readme" >"$tmp/old"

if [ "$mode" = --check ]; then
	if cmp -s "$tmp/old" "$tmp/new"; then
		echo "PASS: $readme: the table matches $rules"
		exit 0
	fi
	echo "FAIL: $readme: the table differs from $rules; run"
	echo "    rules/readme-table.sh --update $readme $rules"
	diff -u "$tmp/old" "$tmp/new" | sed 's/^/    /'
	exit 1
fi

awk -v b="$begin" -v e="$end" -v new="$tmp/new" '
	$0 == e {
		while ((getline l < new) > 0)
			print l
		inside = 0
	}
	!inside { print }
	$0 == b { inside = 1 }
' "$readme" >"$tmp/readme" && cat "$tmp/readme" >"$readme"
