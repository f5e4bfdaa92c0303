#!/bin/sh
# tests/hostile/metrics.sh -- a hostile scraper cannot stall mail, nor
# the metrics process for long. Needs python3 and curl.
#   - 64 connections to the MetricsSocket that send half a request, garbage,
#     nothing, or a request whose answer they read one byte a second, held
#     for 12 s: meanwhile 40 messages through the milter are all answered,
#     each within 2 s;
#   - a request line of 100 KiB and 64 KiB of headers get an error answer;
#   - afterwards (the held connections closed by METRICS_TIMEOUT, 10 s) a
#     scrape succeeds and counts the 40 messages; the metrics process and
#     the filtering child are the same processes as before.
# Bounded: about 30 s.
. "$(dirname "$0")/lib.sh"

for c in python3 curl; do
	command -v $c >/dev/null 2>&1 || { echo "# SKIP: no $c"; exit 77; }
done
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
hl_daemon_conf "MetricsSocket inet:$PORT@127.0.0.1"
hl_milter_start "$tmp/pm.conf" || { hl_fail start "no child"; hl_done; }
M=$(pgrep -P "$MPID" -x pm-metrics)
C=$(hl_child)
_w=0
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics"; do
	_w=$((_w + 1))
	[ $_w -lt 100 ] || { hl_fail "endpoint" "no answer"; hl_done; }
	sleep 0.1
done

# The hostile clients, held for 12 s (a background job).
hl_py - "$PORT" > "$tmp/hold.out" 2>&1 <<'PY' &
import os, socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(64):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        continue
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    kind = i % 4
    try:
        if kind == 0:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        elif kind == 1:
            s.sendall(os.urandom(512))
        elif kind == 3:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    except OSError:
        pass
    socks.append((kind, s))
t0 = time.time()
while time.time() - t0 < 12:
    for kind, s in socks:
        if kind == 3:
            s.setblocking(False)
            try:
                s.recv(1)
            except OSError:
                pass
    time.sleep(1)
print("held", len(socks))
PY
hold=$!
sleep 1

# 40 messages while they hold; each must be answered within 2 s.
hl_py - "unix:$SOCK" > "$tmp/mail.out" 2>&1 <<'PY'
import sys, time
import milterproto as mp
worst, ok = 0.0, 0
for i in range(40):
    t = time.time()
    if mp.served(sys.argv[1], "Q%d" % i, 5):
        ok += 1
    worst = max(worst, time.time() - t)
print(ok, "%.3f" % worst)
PY
read -r served worst < "$tmp/mail.out"
hl_check "40 messages served while 64 hostile connections hold the metrics socket (got ${served:-0}, slowest ${worst:-?} s)" \
    [ "${served:-0}" -eq 40 -a "$(awk -v w="${worst:-9}" 'BEGIN { print (w < 2) }')" = 1 ]
wait $hold

hl_py - "$PORT" > "$tmp/big.out" 2>&1 <<'PY'
import socket, sys
port = int(sys.argv[1])
out = []
for req in (b"GET /" + b"a" * 102400 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /metrics HTTP/1.1\r\n" + b"X-A: " + b"b" * 65536 + b"\r\n\r\n"):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(req)
    except OSError:
        pass
    try:
        line = s.recv(64).split(b"\r\n")[0].decode(errors="replace")
    except OSError as e:
        line = "error " + str(e)
    out.append(line or "closed")
    s.close()
print("|".join(out))
PY
big=$(cat "$tmp/big.out")
case $big in
*" 200 "*) hl_fail "oversized requests refused" "$big" ;;
*) hl_ok "oversized requests refused ($big)" ;;
esac

_w=0
until curl -sf -o "$tmp/m" "http://127.0.0.1:$PORT/metrics"; do
	_w=$((_w + 1))
	[ $_w -lt 150 ] || break
	sleep 0.1
done
cnt=$(sed -n 's/^privacy_milter_messages_total{scope="authenticated"} //p' "$tmp/m")
hl_check "a scrape after the hostile clients counts the 40 messages (got ${cnt:-none})" \
    [ "${cnt:-0}" -eq 40 ]
hl_check "the metrics process survived (pid $M)" \
    [ "$(pgrep -P "$MPID" -x pm-metrics)" = "$M" ]
hl_check "the filtering child is the same (pid $C)" [ "$(hl_child)" = "$C" ]
hl_milter_stop
hl_check "stopped cleanly (exit $MRC)" [ "$MRC" -eq 0 ]
hl_done
