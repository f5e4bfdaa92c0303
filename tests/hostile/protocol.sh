#!/bin/sh
# tests/hostile/protocol.sh -- malformed milter protocol on the socket never
# crashes the child (issue 14, item 1). Needs python3 (skips without).
#   - the issue's reproduction, 24 times: negotiation, a macro packet with
#     an odd number of strings (C{daemon_name}\0), then a normal CONNECT,
#     HELO, MAIL, header and end of message. libmilter's smfi_getsymval()
#     walks past such a list (a crash in 1 to 4 of 24 sessions before the
#     front); now each session is closed with "protocol error from the
#     MTA: macro name without a value", the child stays the same process
#     and a well-formed session is served after them;
#   - the same over an inet socket on 127.0.0.1;
#   - the replayed fuzz corpus (tests/hostile/corpus/: sessions kept by
#     tests/hostile/sockfuzz.py, and the three inputs that crashed the
#     child before, regress-*): the same child throughout, served after.
# Bounded: about 20 s.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "# SKIP: no python3"; exit 77; }

hl_daemon_conf

# odd_macro SPEC N: the issue's session N times; prints "failed crashed"
odd_macro() {
	hl_py - "$1" "$2" <<'PY'
import struct, sys, time
import milterproto as mp
spec, n = sys.argv[1], int(sys.argv[2])
failed = 0
for i in range(n):
    m = mp.Mta(spec, 5)
    try:
        m.negotiate()
        m.send(b"D", b"C" + mp.z("{daemon_name}"))
        m.send(b"C", mp.z("laptop.example.net") + b"4" +
               struct.pack(">H", 4000) + mp.z("192.0.2.10"))
        m._step(mp.SMFIP_NR_CONN)
        m.helo()
        m.mail(qid="ODD%d" % i)
        m.header("User-Agent", " x")
        m.eom()
    except (OSError, mp.Closed):
        failed += 1
    finally:
        m.close()
print(failed)
PY
}

# served SPEC: a well-formed session is answered
served() {
	hl_py -c 'import sys, milterproto as mp
sys.exit(0 if mp.served(sys.argv[1]) else 1)' "$1"
}

hl_milter_start "$tmp/pm.conf" || { hl_fail "start" "the milter did not start"; hl_done; }
child=$(hl_child)
failed=$(odd_macro "unix:$SOCK" 24)
hl_check "odd macro list: all 24 sessions closed" [ "$failed" = 24 ]
hl_check "odd macro list: the child is the same process" [ "$(hl_child)" = "$child" ]
hl_check "odd macro list: no child exit logged" \
    [ "$(hl_count 'killed by signal\|exited with status' "$LOG")" -eq 0 ]
hl_check "odd macro list: logged as a protocol error" \
    grep -q "protocol error from the MTA: macro name without a value (command 0x44, 15 bytes): connection closed" "$LOG"
hl_check "odd macro list: the log is rate-limited (at most 1 line a second)" \
    [ "$(hl_count 'protocol error from the MTA' "$LOG")" -lt 24 ]
hl_check "odd macro list: a well-formed session is served after" served "unix:$SOCK"

out=$(hl_py "$PYLIB/sockfuzz.py" --spec "unix:$SOCK" --pid "$MPID" --replay \
    --corpus "$src/tests/hostile/corpus" 2>&1)
echo "# $out" | tail -n 3
hl_check "fuzz corpus replayed: no crash" \
    sh -c "printf '%s\n' \"\$1\" | grep -q ', 0 crashes,'" - "$out"
hl_check "fuzz corpus: the child is the same process" [ "$(hl_child)" = "$child" ]
hl_milter_stop
hl_check "stopped with status 0" [ "$MRC" -eq 0 ]

# The same over inet on 127.0.0.1 (any local user can reach it).
port=$(hl_py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
: > "$LOG"
"$bin" -f -c "$tmp/pm.conf" -o "Socket=inet:$port@127.0.0.1" \
    -o "PidFile=$PIDF" -o UserID= >> "$LOG" 2>&1 &
MPID=$!
hl_wait_log "child started" 1 || hl_fail "inet start" "no child"
child=$(hl_child)
failed=$(odd_macro "inet:$port@127.0.0.1" 8)
hl_check "inet: all 8 odd-macro sessions closed" [ "$failed" = 8 ]
hl_check "inet: the child is the same process" [ "$(hl_child)" = "$child" ]
hl_check "inet: a well-formed session is served after" served "inet:$port@127.0.0.1"
hl_done
