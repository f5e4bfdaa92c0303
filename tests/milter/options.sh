#!/bin/sh
# tests/milter/options.sh -- DryRun logs the edits and makes none; log and
# log-only rules are logged, one line each, and change nothing; UserID
# drops the child's privileges (setgid/initgroups/setuid) while socket and
# pidfile stay with the supervisor: the socket is owned by the child's user,
# group SocketGroup, mode SocketMode; the child serves and reloads as that
# user. The privilege part needs root and the user nobody (skipped else).
. "$(dirname "$0")/lib.sh"
L=$PM_SRCDIR/tests/milter

echo "checks: DryRun"
start_milter -o DryRun=yes
lua "$L/dryrun.lua" || fail "dryrun.lua"
grep -q 'DRY1: dry-run: would insert X-TLS-Info #1$' "$LOG" ||
    fail "no would-insert line"
grep -q 'DRY1: dry-run: would remove User-Agent #1$' "$LOG" ||
    fail "no would-remove line"
ok "each edit logged as \"dry-run: would ...\""
grep -q 'DRY1: dry-run: would have changed=0 removed=1 inserted=1 added=0 ' "$LOG" ||
    fail "no dry-run summary line"
ok "summary line: dry-run: would have changed=0 removed=1 inserted=1"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"

echo "checks: log and log-only rules (a log-only add names no header)"
printf '%s\n' '# notes test' 'log User-Agent' 'remove X-Mailer log-only' \
    'add X-Scrubbed with "yes" log-only' >"$T/notes.rules"
start_milter -o "RulesFile=$T/notes.rules" -o TLSHeader=no
lua "$L/notes.lua" || fail "notes.lua"
for l in "NOTES1: log: header User-Agent matched (notes.rules:2)" \
    "NOTES1: log-only: would remove the header X-Mailer (notes.rules:3)" \
    "NOTES1: log-only: would add the header X-Scrubbed (notes.rules:4)"; do
	grep -qF "$l" "$LOG" || fail "missing log line: $l"
	ok "logged: $l"
done
child=$(child_pid)
stop_milter
grep -q "child $child exited with status 0" "$LOG" || fail "child did not stop cleanly"
ok "the child served and stopped cleanly"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "privilege drop: skipped (needs root and the user nobody)"
	echo "PASS"
	exit 0
fi
grp=$(id -gn nobody)
echo "checks: UserID nobody, SocketGroup $grp, SocketMode 0640"
start_milter -o UserID=nobody -o "SocketGroup=$grp" -o SocketMode=0640
child=$(child_pid)
[ "$(ps -o user= -p "$MPID")" = root ] || fail "supervisor not root"
[ "$(ps -o user= -p "$child")" = nobody ] || fail "child not nobody"
ok "supervisor runs as root, child as nobody"
[ "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$child/status")" = \
    "$(id -u nobody)$(id -u nobody)$(id -u nobody)$(id -u nobody)" ] ||
    fail "child keeps another uid"
ok "child's real, effective, saved and fs uid are nobody's"
[ "$(stat -c '%U %G %a' "$SOCK")" = "nobody $grp 640" ] ||
    fail "socket is $(stat -c '%U %G %a' "$SOCK")"
ok "socket owned by nobody, group $grp, mode 640"
[ "$(stat -c '%U' "$PIDF")" = root ] || fail "pidfile not root's"
ok "pidfile owned by root"
kill -HUP "$MPID"
wait_log 'reload: generation 2, ' 1
ok "the child reloads as nobody"
lua "$L/short.lua" -D qid=NOBODY || fail "session as nobody"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
[ ! -e "$SOCK" ] && [ ! -e "$PIDF" ] || fail "socket or pidfile left behind"
ok "stopped; socket and pidfile removed by the supervisor"
echo "PASS"
