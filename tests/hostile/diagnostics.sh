#!/bin/sh
# tests/hostile/diagnostics.sh -- malformed rules and configuration lines,
# each against its exact diagnostics and exit status.
#
# Tables (one case per line, '#' comments; fields separated by one TAB):
#   tests/hostile/rules.tab   the input is the rules file bad.rules, loaded
#       with: privacy-milter -c ok.conf -o RulesFile=bad.rules ARGS --check
#   tests/hostile/config.tab  the input is the configuration file bad.conf:
#       privacy-milter -c bad.conf -o RulesFile=ok.rules ARGS --check
# Fields: INPUT  ARGS  EXIT  EXPECTED
#   INPUT    file contents, printf %b escapes (\n, \t, \r, \0NNN, \\); a
#            final newline is added
#   ARGS     extra options (-o Key=value ...), or - for none
#   EXIT     expected exit status (78 when refused, 0 with warnings only);
#            "78?" marks a known issue: a malformed line that is accepted
#            today (reported); it shows as "not ok ... # TODO" and does not
#            fail the test until it is refused, then as ok
#   EXPECTED every line the program writes to stderr, "privacy-milter: "
#            and the final "configuration not loaded" left out, joined
#            with " | "
# Runs in a private directory, so file names read bad.rules / bad.conf.
# Each case is bounded to 10 s. --update rewrites EXIT and
# EXPECTED from the current output: review the diff, the table is the
# specification of the messages.
. "$(dirname "$0")/lib.sh"

update=""
[ "${1:-}" = --update ] && update=1

TAB=$(printf '\t')
cd "$tmp" || exit 99
printf 'AuthservID mx.example.org\n' > ok.conf
printf 'remove User-Agent\n' > ok.rules

# run_case KIND INPUT ARGS: sets rc and got
run_case() {
	if [ "$1" = rules ]; then
		printf '%b\n' "$2" > bad.rules
		set -- -c ok.conf -o RulesFile=bad.rules
	else
		printf '%b\n' "$2" > bad.conf
		set -- -c bad.conf -o RulesFile=ok.rules
	fi
	# shellcheck disable=SC2086
	[ "$_args" = - ] || set -- "$@" $_args
	timeout -s KILL 10 "$bin" "$@" --check > out 2> err
	rc=$?
	got=$(grep -av '^privacy-milter: configuration not loaded$' err |
	    sed 's/^privacy-milter: //' | awk 'NR > 1 { printf " | " } { printf "%s", $0 }')
}

for kind in rules config; do
	table=$src/tests/hostile/$kind.tab
	new=$tmp/$kind.tab.new
	: > "$new"
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in
		'#'* | '')
			printf '%s\n' "$line" >> "$new"
			continue
			;;
		esac
		input=${line%%"$TAB"*}
		rest=${line#*"$TAB"}
		[ "$rest" = "$line" ] && rest=-
		_args=${rest%%"$TAB"*}
		rest2=${rest#*"$TAB"}
		[ "$rest2" = "$rest" ] && rest2=""
		want_rc=${rest2%%"$TAB"*}
		want=${rest2#*"$TAB"}
		[ "$want" = "$rest2" ] && want=""
		run_case "$kind" "$input" "$_args"
		if [ -n "$update" ]; then
			case $want_rc:$rc in
			*'?:78') ;;
			*'?':*) rc=$want_rc ;;
			esac
			printf '%s\t%s\t%s\t%s\n' "$input" "$_args" "$rc" "$got" >> "$new"
			continue
		fi
		case $want_rc in
		*'?')
			if [ "$rc" = 78 ] && [ -n "$got" ]; then
				hl_ok "$kind.tab:$lineno: $input (known issue fixed: refused with: $got)"
			else
				hl_todo "$kind.tab:$lineno: $input" "accepted (exit $rc), should be refused"
			fi
			continue
			;;
		esac
		if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then
			hl_ok "$kind.tab:$lineno: $input"
		else
			hl_fail "$kind.tab:$lineno: $input" "
#   want: [$want_rc] $want
#   got:  [$rc] $got"
		fi
	done < "$table"
	if [ -n "$update" ]; then
		cp "$new" "$table"
		echo "updated $table"
	fi
done
[ -n "$update" ] && exit 0
hl_done
