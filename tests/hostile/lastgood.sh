#!/bin/sh
# tests/hostile/lastgood.sh -- a restarted child comes back with the last
# rules that loaded (issue 14, item 5). Needs python3.
#   Start with rules v1 (line 1 removes X-Test-A), reload v2 (line 2
#   removes X-Test-B), install a broken file and reload (v2 kept), kill -9
#   the child: the new child runs v2 (generation 3), not the start-up v1;
#   the broken file never reaches it. Then a good v3 and SIGHUP: v3 runs,
#   and after another kill -9 the child still runs v3.
# Bounded: about 15 s.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "# SKIP: no python3"; exit 77; }

cat > "$tmp/pm.conf" <<CONF
AuthservID	mx.test.example
Background	no
RulesFile	$tmp/r.rules
CONF
printf 'remove X-Test-A\n' > "$tmp/r.rules"

# message QID: one message with X-Test-A and X-Test-B; waits for its log
# line and prints the rule ids it names
message() {
	hl_py - "unix:$SOCK" "$1" <<'PY'
import sys
import milterproto as mp
m = mp.Mta(sys.argv[1], 10)
m.negotiate(); m.connect_(); m.helo(); m.mail(qid=sys.argv[2])
m.header("X-Test-A", " a"); m.header("X-Test-B", " b")
m.macros(b"E", "i", sys.argv[2])
m.send(b"E")
while m.recv()[0] not in (b"c", b"a", b"t", b"r"):
    pass
m.quit()
PY
	hl_wait_log "$1: changed=" 1 5 || return 1
	sed -n "s/.*$1: changed=.* rules=\([^ ]*\) .*/\1/p" "$LOG"
}

# new_child OLD: wait (10 s) for a child other than OLD
new_child() {
	_n=0
	while [ $_n -lt 100 ]; do
		_c=$(hl_child)
		[ -n "$_c" ] && [ "$_c" != "$1" ] && return 0
		sleep 0.1
		_n=$((_n + 1))
	done
	return 1
}

hl_milter_start "$tmp/pm.conf" || { hl_fail start "no child"; hl_done; }
hl_check "v1 at the start" [ "$(message V1)" = r.rules:1 ]

printf '# v2\nremove X-Test-B\n' > "$tmp/r.rules"
kill -HUP "$MPID"
hl_wait_log "reload: generation 2" 1 || hl_fail "reload v2" "not logged"
hl_check "v2 after the reload" [ "$(message V2)" = r.rules:2 ]

printf 'remove X-Test-B /(/\n' > "$tmp/r.rules"
kill -HUP "$MPID"
hl_wait_log "reload failed: keeping generation 2" 1 ||
    hl_fail "broken reload" "not logged"
hl_check "broken file: v2 kept" [ "$(message BROKEN)" = r.rules:2 ]

c=$(hl_child)
kill -9 "$c"
new_child "$c" || hl_fail "restart" "no new child"
hl_wait_log "child started: generation 3, 1 rules" 1 ||
    hl_fail "restart" "generation 3 not logged"
hl_check "after kill -9: the new child runs v2, the last good rules" \
    [ "$(message AFTERKILL)" = r.rules:2 ]
hl_check "no error about the broken file at the restart" \
    [ "$(hl_count 'child: ' "$LOG")" -eq 0 ]

printf '# v3\n#\nremove X-Test-A\n' > "$tmp/r.rules"
kill -HUP "$MPID"
hl_wait_log "reload: generation 4" 1 || hl_fail "reload v3" "not logged"
c=$(hl_child)
kill -9 "$c"
new_child "$c" || hl_fail "restart" "no new child"
hl_wait_log "child started: generation 5" 1 || hl_fail "restart" "gen 5"
hl_check "a later good reload (v3) survives the next kill -9" \
    [ "$(message V3)" = r.rules:3 ]
hl_milter_stop
hl_check "stopped with status 0" [ "$MRC" -eq 0 ]
hl_done
