#!/bin/sh
# tests/hostile/stop.sh -- the stop (issue 14, item 6). Needs python3.
#   - SIGTERM with a message in progress: that message is finished; 8 new
#     connections made during the drain are answered: negotiation, then
#     't' (tempfail) to the connect, so the MTA tempfails those sessions
#     (before: a bare EOF, and the MTA applied its default action);
#   - an idle milter stops in under 1 s after SIGTERM (before: about
#     4.3 s, libmilter's poll() interval).
# Bounded: about 10 s.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "# SKIP: no python3"; exit 77; }

hl_daemon_conf

hl_milter_start "$tmp/pm.conf" || { hl_fail start "no child"; hl_done; }
# A message in progress: end of message after 3 s.
hl_py - "unix:$SOCK" > "$tmp/inflight" <<'PY' &
import sys, time
import milterproto as mp
m = mp.Mta(sys.argv[1], 20)
m.negotiate(); m.connect_(); m.helo(); m.mail(qid="INFLIGHT")
m.header("User-Agent", " x")
time.sleep(3)
print(m.eom()[0])
PY
p1=$!
sleep 1
t0=$(date +%s)
kill -TERM "$MPID"
sleep 0.5
hl_py - "unix:$SOCK" > "$tmp/new" <<'PY'
import sys
import milterproto as mp
replies = []
for i in range(8):
    m = mp.Mta(sys.argv[1], 5)
    try:
        m.negotiate()
        replies.append(m.connect_() or "none")
    except (OSError, mp.Closed) as e:
        replies.append("closed")
    finally:
        m.close()
print(" ".join(r.decode() if isinstance(r, bytes) else r for r in replies))
PY
wait $p1
hl_check "the message in progress was finished (got $(cat "$tmp/inflight"))" \
    [ "$(cat "$tmp/inflight")" = c ]
hl_check "8 connections during the drain: each answered tempfail (got $(cat "$tmp/new"))" \
    [ "$(cat "$tmp/new")" = "t t t t t t t t" ]
wait "$MPID"
MRC=$?
MPID=
hl_check "stopped with status 0" [ "$MRC" -eq 0 ]
hl_check "INFLIGHT logged" grep -q "INFLIGHT: changed=" "$LOG"

: > "$LOG"
hl_milter_start "$tmp/pm.conf" || { hl_fail start "no child"; hl_done; }
ms=$(hl_py - "$MPID" <<'PY'
import os, sys, time
pid = int(sys.argv[1])
t0 = time.time()
os.kill(pid, 15)
while True:
    try:
        os.kill(pid, 0)
        if open("/proc/%d/stat" % pid).read().split()[2] == "Z":
            break
    except OSError:
        break
    time.sleep(0.01)
print(int((time.time() - t0) * 1000))
PY
)
wait "$MPID"
MPID=
hl_check "an idle milter stops in under 1 s (took $ms ms)" [ "$ms" -lt 1000 ]
hl_done
