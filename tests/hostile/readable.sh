#!/bin/sh
# tests/hostile/readable.sh -- files the child must re-read, and the size
# cap (issue 14, item 7).
#   As root with UserID nobody (skipped otherwise):
#   - a rules file only root can read: --check warns (exit 0, the file and
#     the user named); the start logs the same warning; the start works (the
#     supervisor read it) but a reload, as nobody, fails and keeps the
#     rules, as the warning said;
#   - a rules file nobody can read: no warning.
#   Anyone:
#   - a rules file over 8 MiB, or two that are over 8 MiB together: --check
#     exits 78 and says so (50 MB of rules cost about 1 GB once compiled).
# Bounded: about 10 s.
. "$(dirname "$0")/lib.sh"

make_rules() { # FILE MIB: that many MiB of comment lines and one rule
	LC_ALL=C awk -v n="$2" 'BEGIN {
		line = "# " sprintf("%076d", 0)
		for (i = 0; i < n * 1024 * 1024 / 79; i++) print line
		print "remove X-Test"
	}' > "$1"
}

printf 'remove X-Test\n' > "$tmp/small.rules"
make_rules "$tmp/big.rules" 9
make_rules "$tmp/half1.rules" 5
make_rules "$tmp/half2.rules" 5
printf 'Background no\nRulesFile %s\n' "$tmp/big.rules" > "$tmp/big.conf"
printf 'Background no\nRulesFile %s\nRulesFile %s\n' "$tmp/half1.rules" \
    "$tmp/half2.rules" > "$tmp/halves.conf"
hl_run 30 "$tmp/out" "$tmp/err" "$bin" -c "$tmp/big.conf" --check
hl_check "a 9 MiB rules file: --check exits 78" [ "$rc" -eq 78 ]
hl_check "... and says why" grep -q "big.rules: rules files are larger than 8 MiB together" "$tmp/err"
hl_run 30 "$tmp/out" "$tmp/err" "$bin" -c "$tmp/halves.conf" --check
hl_check "two 5 MiB rules files: --check exits 78" [ "$rc" -eq 78 ]
hl_check "... the second named" grep -q "half2.rules: rules files are larger than 8 MiB together" "$tmp/err"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "# root and user nobody needed for the rest"
	hl_done
fi
chmod 755 "$tmp"
cp "$tmp/small.rules" "$tmp/secret.rules"
chmod 600 "$tmp/secret.rules"
chmod 644 "$tmp/small.rules"
cat > "$tmp/pm.conf" <<CONF
Background	no
UserID		nobody
RulesFile	$tmp/secret.rules
CONF
chmod 644 "$tmp/pm.conf"
hl_run 10 "$tmp/out" "$tmp/err" "$bin" -c "$tmp/pm.conf" --check
cat "$tmp/err"
hl_check "root-only rules file: --check exits 0" [ "$rc" -eq 0 ]
hl_check "... and warns, naming the file and the user" \
    grep -q "warning: $tmp/secret.rules is not readable by UserID nobody (Permission denied)" "$tmp/err"

hl_milter_start "$tmp/pm.conf" -o UserID=nobody || { hl_fail start "no child"; hl_done; }
hl_check "the start logs the warning" \
    grep -q "$tmp/secret.rules is not readable by UserID nobody (Permission denied): it loads now, but a reload (SIGHUP) re-reads it as that user and will fail" "$LOG"
kill -HUP "$MPID"
hl_wait_log "reload failed: keeping generation 1" 1 ||
    hl_fail "reload" "no failure logged"
hl_check "and the reload fails as warned" \
    grep -q "reload: $tmp/secret.rules: cannot open rules file: Permission denied" "$LOG"
hl_milter_stop

sed -i "s|secret.rules|small.rules|" "$tmp/pm.conf"
hl_run 10 "$tmp/out" "$tmp/err" "$bin" -c "$tmp/pm.conf" --check
hl_check "a rules file nobody can read: no warning" \
    [ "$rc" -eq 0 -a "$(hl_count warning "$tmp/err")" -eq 0 ]
hl_done
