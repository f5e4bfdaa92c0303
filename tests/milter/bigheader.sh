#!/bin/sh
# tests/milter/bigheader.sh -- a 100 KiB header passes (MaxDataSize raises
# libmilter's 64 KiB packet limit); with MaxDataSize 65535 the same header
# drops the session, which shows the limit is what makes the difference.
# The client is bigheader.py: miltertest overflows a stack buffer on a
# header of a few KiB.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
BIG=$PM_SRCDIR/tests/milter/bigheader.py

echo "checks: a 102400-byte header with the default MaxDataSize"
start_milter
python3 "$BIG" "$SOCK" 102400 ok || fail "bigheader.py (default MaxDataSize)"
ok "end of message answered: insert (TLS header), change (remove User-Agent), continue"
grep -q 'BIG1: changed=0 removed=1 inserted=1 ' "$LOG" || fail "BIG1 log line"
ok "BIG1 logged: removed=1 inserted=1"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"

echo "checks: the same header with MaxDataSize 65535 drops the session"
start_milter -o MaxDataSize=65535
python3 "$BIG" "$SOCK" 102400 drop || fail "bigheader.py (MaxDataSize 65535)"
ok "session dropped by libmilter"
child=$(child_pid)
[ -n "$child" ] || fail "no child after the dropped session"
ok "the milter is still running"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
echo "PASS"
