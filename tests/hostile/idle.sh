#!/bin/sh
# tests/hostile/idle.sh -- idle connections live no longer than MilterTimeout
# (issue 14, item 4). Needs python3.
#   - MilterTimeout 4: a connection that negotiated and then says nothing is
#     closed after 4 s (3 to 6 s: whole seconds), and so is one that stopped in the middle of a
#     message (before: Debian's libmilter swept idle sessions only every
#     600 s, so they lived 550 s and more);
#   - MilterTimeout 30: a connection that never sends a packet is closed
#     after 10 s (9 to 12 s) (an MTA negotiates at once); a session that keeps
#     talking is not touched.
# Bounded: about 25 s.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "# SKIP: no python3"; exit 77; }

hl_daemon_conf

# between V LO HI: V is a number, LO <= V < HI
between() {
	[ "$1" != open ] && [ "$1" -ge "$2" ] && [ "$1" -lt "$3" ]
}

# closed_after WHAT MAX: open a connection, do WHAT (silent, negotiated,
# inmessage), print the seconds until the milter closes it ("open" after
# MAX seconds)
closed_after() {
	hl_py - "unix:$SOCK" "$1" "$2" <<'PY'
import sys
import milterproto as mp
spec, what, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
m = mp.Mta(spec, 10)
if what in ("negotiated", "inmessage"):
    m.negotiate()
if what == "inmessage":
    m.connect_(); m.helo(); m.mail()
    m.header("Subject", " hello")
t = mp.wait_closed(m.s, secs)
print("open" if t is None else int(t))
PY
}

hl_milter_start "$tmp/pm.conf" -o MilterTimeout=4 || { hl_fail start "no child"; hl_done; }
closed_after negotiated 8 > "$tmp/a" &
p1=$!
closed_after inmessage 8 > "$tmp/b" &
p2=$!
wait $p1 $p2
a=$(cat "$tmp/a") b=$(cat "$tmp/b")
# (Whole seconds, counted from the accept on a clock of whole seconds.)
hl_check "MilterTimeout 4: a negotiated idle connection closed after 3-6 s (got $a)" \
    between "$a" 3 6
hl_check "MilterTimeout 4: a connection idle inside a message closed after 3-6 s (got $b)" \
    between "$b" 3 6
hl_check "logged" grep -q "connection idle for [4-5] s: closed" "$LOG"
hl_milter_stop

: > "$LOG"
hl_milter_start "$tmp/pm.conf" -o MilterTimeout=30 || { hl_fail start "no child"; hl_done; }
closed_after silent 14 > "$tmp/c" &
p1=$!
hl_py - "unix:$SOCK" > "$tmp/d" <<'PY' &
import sys, time
import milterproto as mp
m = mp.Mta(sys.argv[1], 10)
ok = 0
try:
    m.negotiate(); m.connect_(); m.helo()
    for i in range(6):
        m.mail(qid="TALK%d" % i)
        m.header("Subject", " x")
        if m.eom()[0] == "c":
            ok += 1
        time.sleep(2)
except (OSError, mp.Closed):
    pass
print(ok)
PY
p2=$!
wait $p1 $p2
c=$(cat "$tmp/c") d=$(cat "$tmp/d")
hl_check "a connection without a packet closed after 9-12 s (got $c)" \
    between "$c" 9 12
hl_check "logged" grep -q "connection without a packet for 1[01] s: closed" "$LOG"
hl_check "a session that keeps talking is served: 6 of 6 messages (got $d)" [ "$d" = 6 ]
hl_milter_stop
hl_done
