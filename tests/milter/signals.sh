#!/bin/sh
# tests/milter/signals.sh -- process model: SIGTERM stops in order (a session
# in progress is finished; pidfile and socket removed; exit 0); a second
# instance refuses a socket that answers and the pidfile of a running one,
# and leaves both alone; a stale socket is replaced; a path that is not a
# socket is never touched; SIGHUP sent to the child itself (libmilter stops)
# is survived: the supervisor starts a new child on the same socket at once
# (the child had got ready: no back-off).
. "$(dirname "$0")/lib.sh"
L=$PM_SRCDIR/tests/milter

echo "checks: SIGTERM while a session is in progress"
start_milter
lua "$L/inflight.lua" -D pause=2 >"$T/inflight.out" 2>&1 &
lpid=$!
sleep 1
kill -TERM "$MPID"
wait "$lpid"
lrc=$?
cat "$T/inflight.out"
[ "$lrc" -eq 0 ] || fail "the session in progress was not finished"
wait "$MPID"
MRC=$?
MPID=
[ "$MRC" -eq 0 ] || fail "exit status $MRC after SIGTERM"
ok "supervisor exit status 0"
[ ! -e "$PIDF" ] || fail "pidfile left behind"
ok "pidfile removed"
[ ! -e "$SOCK" ] || fail "socket left behind"
ok "socket removed"
grep -q 'INFLIGHT: changed=0 removed=1 ' "$LOG" || fail "INFLIGHT not logged"
ok "INFLIGHT logged"

echo "checks: a second instance does not take over a live socket"
start_milter
first=$MPID
ino=$(stat -c %i "$SOCK")
"$PM_BIN" -f -c "$CONF" -o "Socket=unix:$SOCK" -o "PidFile=$T/other.pid" \
    -o UserID= -o SocketGroup= >"$T/second.log" 2>&1
rc=$?
cat "$T/second.log"
[ "$rc" -eq 69 ] || fail "second instance: exit $rc, expected 69 (EX_UNAVAILABLE)"
grep -q "socket $SOCK is served by a running process: not taking it over" \
    "$T/second.log" || fail "second instance: no message"
ok "second instance refused with exit 69"
[ "$(stat -c %i "$SOCK")" = "$ino" ] || fail "socket replaced"
ok "socket untouched"
"$PM_BIN" -f -c "$CONF" -o "Socket=unix:$T/other.sock" -o "PidFile=$PIDF" \
    -o UserID= -o SocketGroup= >"$T/third.log" 2>&1
rc=$?
cat "$T/third.log"
[ "$rc" -eq 69 ] || fail "same pidfile: exit $rc, expected 69"
grep -q "pidfile $PIDF is held by another instance (pid $first): not starting" \
    "$T/third.log" || fail "same pidfile: no message"
[ "$(cat "$PIDF")" = "$first" ] || fail "pidfile changed"
ok "an instance with the same pidfile refused; pidfile untouched"
lua "$L/short.lua" -D qid=AFTER2ND || fail "first instance no longer serves"

echo "checks: SIGHUP to the child itself"
child=$(child_pid)
kill -HUP "$child"
wait_log "child $child exited with status 0; restarting at once" 1
ok "child stopped by libmilter, supervisor restarts it"
[ -S "$SOCK" ] && [ "$(stat -c %i "$SOCK")" = "$ino" ] ||
    fail "socket gone or replaced after the child stopped"
ok "socket still in place (the child never removes it)"
lua "$L/short.lua" -D qid=AFTERHUP || fail "no session after the restart"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"

echo "checks: a stale socket is replaced"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK" ||
    fail "cannot make a stale socket"
[ -S "$SOCK" ] || fail "no stale socket"
start_milter
grep -q "socket $SOCK is stale: replacing it" "$LOG" || fail "no stale message"
ok "stale socket replaced"
lua "$L/short.lua" -D qid=STALE || fail "no session on the replaced socket"
stop_milter

echo "checks: a path that is not a socket is never touched"
echo keep >"$SOCK"
"$PM_BIN" -f -c "$CONF" -o "Socket=unix:$SOCK" -o "PidFile=$PIDF" \
    -o UserID= -o SocketGroup= >"$T/file.log" 2>&1
rc=$?
cat "$T/file.log"
[ "$rc" -ne 0 ] || fail "started on a regular file"
[ "$(cat "$SOCK")" = keep ] || fail "the file was changed"
ok "refused (exit $rc); the file is unchanged"
echo "PASS"
