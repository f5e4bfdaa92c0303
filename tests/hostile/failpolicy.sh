#!/bin/sh
# tests/hostile/failpolicy.sh -- the fail policy in the daemon: a rule
# with catastrophic backtracking hits the match limit on a crafted header;
# with OnError=tempfail (the default) the MTA gets a tempfail for that
# message (never the message unscrubbed), the log names the rule's
# file:line; the daemon keeps serving (a second message is answered the
# same way, the process is the same). OnError=accept passes it, logged.
# A note about the message rather than a header (a log-only "add" rule)
# is logged without crashing the child.
# Skips (77) without miltertest. Bounded: 30 s per miltertest run.
. "$(dirname "$0")/lib.sh"
command -v miltertest >/dev/null 2>&1 || { echo "# SKIP: no miltertest"; exit 77; }

printf '# a pattern that backtracks exponentially\nredact X-Evil /(a+)+$/ with "x"\n' > "$tmp/evil.rules"
cat > "$tmp/pm.conf" <<CONF
AuthservID	mx.test.example
Background	no
RulesFile	$src/rules/default.rules
RulesFile	$tmp/evil.rules
CONF
SOCK=$tmp/pm.sock
LOG=$tmp/milter.log
MPID=
stop() {
	[ -n "$MPID" ] && kill -TERM "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null
	MPID=
}
trap 'stop; [ "${PM_KEEP:-0}" = 1 ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT INT TERM
start() {
	: > "$LOG"
	"$bin" -f -c "$tmp/pm.conf" -o "Socket=unix:$SOCK" \
	    -o "PidFile=$tmp/pm.pid" -o UserID= -o SocketGroup= "$@" >> "$LOG" 2>&1 &
	MPID=$!
	i=0
	while [ $i -lt 100 ] && ! [ -S "$SOCK" ]; do sleep 0.1; i=$((i + 1)); done
}
mt() {
	timeout -s KILL 30 miltertest -D "sock=unix:$SOCK" \
	    -D "lib=$src/tests/milter/lib.lua" -D "want=$1" \
	    -s "$src/tests/hostile/evil.lua" > "$tmp/mt.out" 2>&1
	rc=$?
}

start
C=$(pgrep -P "$MPID" | head -n 1)
for i in 1 2; do
	mt tempfail
	hl_check "OnError=tempfail, message $i: tempfail, no edit (miltertest exit $rc)" \
	    [ $rc -eq 0 -a "$(grep -c '^FAIL' "$tmp/mt.out")" -eq 0 ]
done
sleep 0.3
hl_check "the log names the rule's file:line and the match limit" \
    grep -q "evil.rules:2: .*match limit" "$LOG"
hl_check "the log says the message was temporarily refused" \
    grep -q '4EVILQ1.*tempfail\|tempfail.*4EVILQ1' "$LOG"
hl_check "the child survived (same process)" [ "$(pgrep -P "$MPID" | head -n 1)" = "$C" ]
hl_check "no removed value in the log" [ "$(grep -c -F 203.0.113.77 "$LOG")" -eq 0 ]
stop

start -o OnError=accept
mt continue
hl_check "OnError=accept: continue (miltertest exit $rc)" \
    [ $rc -eq 0 -a "$(grep -c '^FAIL' "$tmp/mt.out")" -eq 0 ]
sleep 0.3
hl_check "OnError=accept: the log names the rule's file:line" \
    grep -q "evil.rules:2: .*match limit" "$LOG"
stop

# A log-only "add" rule: its note names no header (pos = nheaders).
printf 'add X-Scrubbed with "yes" log-only\n' > "$tmp/logonly.rules"
printf 'AuthservID mx.test.example\nBackground no\nRulesFile %s\n' \
    "$tmp/logonly.rules" > "$tmp/pm.conf"
start
C=$(pgrep -P "$MPID" | head -n 1)
timeout -s KILL 30 miltertest -D "sock=unix:$SOCK" \
    -D "lib=$src/tests/milter/lib.lua" -s "$src/tests/hostile/logonly.lua" \
    > "$tmp/mt.out" 2>&1
rc=$?
hl_check "log-only add rule: continue, nothing added (miltertest exit $rc)" \
    [ $rc -eq 0 -a "$(grep -c '^FAIL' "$tmp/mt.out")" -eq 0 ]
sleep 0.3
hl_check "log-only add rule: the child did not crash" \
    [ "$(pgrep -P "$MPID" | head -n 1)" = "$C" -a "$(grep -c 'killed by signal\|exited with status' "$LOG")" -eq 0 ]
stop
hl_done
