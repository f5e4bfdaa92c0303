#!/bin/sh
# tests/milter/crash.sh -- kill -9 of the child: the supervisor logs it and
# starts a new child at once (it had got ready); a session begun right after
# the kill waits in the listen backlog (the supervisor keeps the socket open)
# and succeeds. A child that cannot get ready (here: libmilter's private
# directory removed) is a crash loop: restarted after 1 s, then 2 s; more
# than RestartLimit of those within RestartWindow seconds and the supervisor
# gives up with exit 70 (EX_SOFTWARE) and removes socket and pidfile.
# kill -9 of the supervisor: the child stops too (PR_SET_PDEATHSIG); the next
# start replaces the stale socket.
. "$(dirname "$0")/lib.sh"
L=$PM_SRCDIR/tests/milter

# new_child OLD - wait (10 s) for a child other than OLD; print its pid
new_child() {
	_n=0
	while [ $_n -lt 100 ]; do
		_c=$(child_pid)
		if [ -n "$_c" ] && [ "$_c" != "$1" ]; then
			echo "$_c"
			return 0
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	return 1
}

echo "checks: kill -9 of the child; the next session succeeds"
start_milter
old=$(child_pid)
[ -n "$old" ] || fail "no child"
kill -9 "$old"
lua "$L/short.lua" -D qid=AFTERKILL || fail "session after kill -9"
grep -q "child $old was killed by signal 9; restarting at once" "$LOG" ||
    fail "crash not logged"
ok "logged: child $old was killed by signal 9; restarting at once"
new=$(new_child "$old") || fail "no new child"
ok "new child $new"
grep -q 'AFTERKILL: changed=0 removed=1 ' "$LOG" || fail "AFTERKILL not logged"
ok "AFTERKILL served by the new child"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"

echo "checks: RestartLimit 2 within RestartWindow 60: a crash loop at start ends it"
start_milter -o RestartLimit=2 -o RestartWindow=60 -o LogLevel=3
c=$(child_pid)
dir=$(sed -n 's/.*child: libmilter listens on \(.*\)\/libmilter.sock$/\1/p' "$LOG" | tail -n 1)
[ -n "$dir" ] && [ -d "$dir" ] || fail "no private directory in the log"
rm -rf "$dir"
kill -9 "$c"
wait "$MPID"
MRC=$?
MPID=
grep -q "child $c was killed by signal 9; restarting at once" "$LOG" ||
    fail "the ready child's crash not logged"
grep -q 'before it was ready; restarting in 1 s' "$LOG" &&
    grep -q 'before it was ready; restarting in 2 s' "$LOG" ||
    fail "back-off did not double"
ok "back-off doubled: restarting in 2 s"
[ "$MRC" -eq 70 ] || fail "exit status $MRC, expected 70"
ok "supervisor exit status 70"
grep -q "before it was ready; 3 exits within 60 seconds: giving up" \
    "$LOG" || fail "giving up not logged"
ok "logged: 3 exits within 60 seconds: giving up"
[ ! -e "$SOCK" ] && [ ! -e "$PIDF" ] || fail "socket or pidfile left behind"
ok "socket and pidfile removed"

echo "checks: kill -9 of the supervisor: the child follows, a new start works"
start_milter
c=$(child_pid)
kill -9 "$MPID"
wait "$MPID" 2>/dev/null
MPID=
n=0
while kill -0 "$c" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill -0 "$c" 2>/dev/null && fail "child $c outlived its supervisor"
ok "child $c stopped with its supervisor (parent-death signal)"
[ -S "$SOCK" ] || fail "no socket left to test the stale case"
start_milter
grep -q "socket $SOCK is stale: replacing it" "$LOG" || fail "stale socket not replaced"
ok "a new start replaces the stale socket and reuses the pidfile"
lua "$L/short.lua" -D qid=RESTARTED || fail "session after the new start"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
echo "PASS"
