#!/bin/sh
# tests/hostile/pidfile.sh -- the pidfile is opened as root and must not be
# a way to write elsewhere (issue 14, item 2). Needs root (files owned by
# another user: nobody); skips otherwise.
#   - a symbolic link planted in a world-writable sticky directory (as
#     /tmp) pointing at a root-owned file: the start is refused (exit 78,
#     "a symbolic link: not following it"), the file is unchanged;
#   - a pidfile created in advance by another user (mode 0666): refused
#     (exit 78, "owned by uid N"), the file is unchanged and still theirs;
#   - a hard link to a root-owned file: refused, unchanged;
#   - a directory writable by everyone without the sticky bit: refused;
#   - a root-owned pidfile left with mode 0666: used, and mode 0644 after;
#     a new pidfile is made 0644, holds the supervisor's pid, and is
#     removed at the stop.
# Bounded: about 10 s.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "# SKIP: needs root"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "# SKIP: no user nobody"; exit 77; }

chmod 755 "$tmp"
cat > "$tmp/pm.conf" <<CONF
AuthservID	mx.test.example
Background	no
RulesFile	$src/rules/default.rules
CONF

# attempt PIDFILE: start with that pidfile; the run is over at once when
# refused; sets rc and leaves the output in $tmp/out
attempt() {
	hl_run 10 "$tmp/out" "$tmp/out" "$bin" -f -c "$tmp/pm.conf" \
	    -o "Socket=unix:$tmp/a.sock" -o "PidFile=$1" -o UserID= \
	    -o SocketGroup=
}

mkdir -m 1777 "$tmp/sticky" "$tmp/open"
chmod 0777 "$tmp/open"
echo keep > "$tmp/victim"
chmod 600 "$tmp/victim"

ln -s "$tmp/victim" "$tmp/sticky/pm.pid"
attempt "$tmp/sticky/pm.pid"
cat "$tmp/out"
hl_check "symlink: refused with exit 78" [ "$rc" -eq 78 ]
hl_check "symlink: logged" grep -q "not following it" "$tmp/out"
hl_check "symlink: the target is unchanged" [ "$(cat "$tmp/victim")" = keep ]

su -s /bin/sh nobody -c "umask 0; echo 1 > '$tmp/sticky/other.pid'" ||
    { echo "# SKIP: cannot write as nobody"; exit 77; }
attempt "$tmp/sticky/other.pid"
cat "$tmp/out"
hl_check "another user's pidfile: refused with exit 78" [ "$rc" -eq 78 ]
hl_check "another user's pidfile: logged" \
    grep -q "is owned by uid $(id -u nobody), not by root or us" "$tmp/out"
hl_check "another user's pidfile: unchanged, still theirs" \
    [ "$(cat "$tmp/sticky/other.pid")" = 1 -a \
      "$(stat -c %U "$tmp/sticky/other.pid")" = nobody ]

ln "$tmp/victim" "$tmp/hard.pid"
attempt "$tmp/hard.pid"
cat "$tmp/out"
hl_check "hard link: refused with exit 78" [ "$rc" -eq 78 ]
hl_check "hard link: the file is unchanged" [ "$(cat "$tmp/victim")" = keep ]

attempt "$tmp/open/pm.pid"
cat "$tmp/out"
hl_check "world-writable directory, not sticky: refused with exit 78" [ "$rc" -eq 78 ]
hl_check "world-writable directory: logged" \
    grep -q "writable by everyone and not sticky" "$tmp/out"
hl_check "world-writable directory: no pidfile made" [ ! -e "$tmp/open/pm.pid" ]

# The good cases.
echo 1 > "$tmp/old.pid"
chmod 666 "$tmp/old.pid"
PIDF=$tmp/old.pid
hl_milter_start "$tmp/pm.conf" || hl_fail "root's old pidfile" "did not start"
hl_check "root's pidfile of mode 0666: used, now 0644" \
    [ "$(stat -c %a "$tmp/old.pid")" = 644 -a "$(cat "$tmp/old.pid")" = "$MPID" ]
hl_milter_stop
hl_check "removed at the stop" [ ! -e "$tmp/old.pid" ]
PIDF=$tmp/sticky/new.pid
hl_milter_start "$tmp/pm.conf" || hl_fail "new pidfile" "did not start"
hl_check "a new pidfile in a sticky directory: 0644, root's, our pid" \
    [ "$(stat -c %a:%U "$PIDF")" = 644:root -a "$(cat "$PIDF")" = "$MPID" ]
hl_milter_stop
hl_done
