#!/bin/sh
# tests/hostile/privilege.sh -- least privilege and leaks of the daemon.
# Needs root (to switch users) and miltertest; skips (77) otherwise.
#   - the libmilter child runs as UserID (nobody:nogroup): every uid and gid
#     in /proc/PID/status, no supplementary groups, no capabilities; the
#     supervisor (root) holds the pidfile;
#   - the socket has SocketMode (0660), SocketGroup and the child's user as
#     owner;
#   - the pidfile (and its directory) cannot be written by that user;
#   - after one authenticated submission full of personal data (client
#     address, host name, login, User-Agent; tests/hostile/leak.lua) the
#     captured log holds none of them, at the default LogLevel and at 2
#     (one line per message); the child still runs as nobody after a
#     SIGHUP reload;
#   - the offline tester refuses a pseudonym key file readable or writable
#     by others (exit 78, the file named), and accepts it at mode 0600.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP: needs root to switch users"
	exit 77
fi
if ! command -v miltertest >/dev/null 2>&1; then
	echo "# SKIP: miltertest is not installed"
	exit 77
fi
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null ||
    { echo "# SKIP: no user nobody / group nogroup"; exit 77; }
NOBODY_UID=$(id -u nobody)
NOGROUP_GID=$(getent group nogroup | cut -d: -f3)
SOCKGROUP=mail
getent group $SOCKGROUP >/dev/null || SOCKGROUP=nogroup
SOCKGID=$(getent group $SOCKGROUP | cut -d: -f3)

# The daemon's files: readable by the child (it reloads them on SIGHUP).
chmod 755 "$tmp"
cp "$src/rules/default.rules" "$tmp/default.rules"
cat > "$tmp/pm.conf" <<CONF
AuthservID	mx.test.example
Background	no
TLSHeader	yes
RulesFile	$tmp/default.rules
CONF
chmod 644 "$tmp/pm.conf" "$tmp/default.rules"
SOCK=$tmp/pm.sock
PIDF=$tmp/pm.pid
LOG=$tmp/milter.log
MPID=

stop() {
	hl_milter_stop
}
trap 'stop; [ "${PM_KEEP:-0}" = 1 ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT INT TERM

# start [-o Key=value]...: the daemon in the foreground, log captured
start() {
	: > "$LOG"
	"$bin" -f -c "$tmp/pm.conf" -o "Socket=unix:$SOCK" -o "PidFile=$PIDF" \
	    -o UserID=nobody:nogroup -o SocketMode=0660 \
	    -o "SocketGroup=$SOCKGROUP" "$@" >> "$LOG" 2>&1 &
	MPID=$!
	i=0
	while [ $i -lt 100 ]; do
		[ -S "$SOCK" ] && [ -s "$PIDF" ] && break
		kill -0 "$MPID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
}

# child: the supervisor's child
child() {
	pgrep -P "$MPID" | head -n 1
}

# status_field PID FIELD: a line of /proc/PID/status without its name
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' ' | sed 's/ $//'
}

start
hl_check "daemon starts as root with UserID=nobody:nogroup" [ -S "$SOCK" ]
sleep 0.5
C=$(child)
hl_check "supervisor has a child" [ -n "$C" ]
if [ -n "$C" ]; then
	u=$(status_field "$C" Uid)
	g=$(status_field "$C" Gid)
	hl_check "child Uid (real, effective, saved, fs) all $NOBODY_UID: $u" \
	    [ "$u" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" ]
	hl_check "child Gid all $NOGROUP_GID: $g" \
	    [ "$g" = "$NOGROUP_GID $NOGROUP_GID $NOGROUP_GID $NOGROUP_GID" ]
	gr=$(status_field "$C" Groups)
	hl_check "child has no supplementary group but nogroup: [$gr]" \
	    [ -z "$gr" -o "$gr" = "$NOGROUP_GID" ]
	hl_check "child has no effective capability" \
	    [ "$(status_field "$C" CapEff)" = 0000000000000000 ]
	hl_check "child has no permitted capability" \
	    [ "$(status_field "$C" CapPrm)" = 0000000000000000 ]
fi
hl_check "supervisor PID in the pidfile" [ "$(cat "$PIDF" 2>/dev/null)" = "$MPID" ]

m=$(stat -c %a "$SOCK" 2>/dev/null)
hl_check "socket mode is SocketMode 0660 (got $m)" [ "$m" = 660 ]
o=$(stat -c %u:%g "$SOCK" 2>/dev/null)
hl_check "socket owned by the child's user, group SocketGroup $SOCKGROUP (got $o)" \
    [ "$o" = "$NOBODY_UID:$SOCKGID" ]

p=$(stat -c %u:%a "$PIDF" 2>/dev/null)
hl_check "pidfile owned by root, not group/other writable (got $p)" \
    sh -c "case '$p' in 0:[0-7][0145][0145]) exit 0;; *) exit 1;; esac"
hl_check "pidfile not writable by nobody" \
    sh -c "! setpriv --reuid=$NOBODY_UID --regid=$NOGROUP_GID --clear-groups sh -c ': >> \"$PIDF\"' 2>/dev/null"
hl_check "pidfile cannot be replaced by nobody (directory not writable)" \
    sh -c "! setpriv --reuid=$NOBODY_UID --regid=$NOGROUP_GID --clear-groups sh -c 'echo 1 > \"$PIDF.new\" && mv \"$PIDF.new\" \"$PIDF\"' 2>/dev/null"

# Leaks at the default log level.
LEAKS="203.0.113.77 laptop77 alice.secret SecretAgent 9.9"
check_leaks() {
	for v in $LEAKS; do
		hl_check "$1: \"$v\" not in the log" [ "$(grep -c -F "$v" "$LOG")" -eq 0 ]
	done
}
timeout -s KILL 30 miltertest -D "sock=unix:$SOCK" \
    -D "lib=$src/tests/milter/lib.lua" -s "$src/tests/hostile/leak.lua" \
    > "$tmp/mt.out" 2>&1
hl_check "LogLevel default: the message is scrubbed (miltertest)" \
    [ "$(grep -c '^FAIL' "$tmp/mt.out")" -eq 0 -a "$(grep -c '^ok' "$tmp/mt.out")" -eq 4 ]
check_leaks "LogLevel default"

# A reload keeps the user.
kill -HUP "$MPID"
sleep 1
C2=$(child)
[ -n "$C2" ] && u=$(status_field "$C2" Uid)
hl_check "after SIGHUP the child still runs as nobody" \
    [ -n "$C2" -a "$u" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" ]
stop
hl_check "pidfile removed at stop" [ ! -e "$PIDF" ]
hl_check "socket removed at stop" [ ! -e "$SOCK" ]

start -o LogLevel=2
timeout -s KILL 30 miltertest -D "sock=unix:$SOCK" \
    -D "lib=$src/tests/milter/lib.lua" -s "$src/tests/hostile/leak.lua" \
    > "$tmp/mt.out" 2>&1
sleep 0.3
hl_check "LogLevel 2: the per-message line is logged" [ "$(grep -c '4LEAKQ1' "$LOG")" -ge 1 ]
check_leaks "LogLevel 2"
stop

# The offline tester and the pseudonym key file's mode.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/key"
printf 'From: a@b\nSubject: k\n\nbody\n' > "$tmp/k.eml"
for mode in 644 604 606 602; do
	chmod $mode "$tmp/key"
	hl_run 10 "$tmp/o" "$tmp/e" "$bin" -c "$tmp/pm.conf" \
	    -o "PseudonymKeyFile=$tmp/key" --test-message "$tmp/k.eml"
	hl_check "key file mode $mode: refused with exit 78 (got $rc)" [ "$rc" -eq 78 ]
	hl_check "key file mode $mode: the error names the file" grep -q "$tmp/key" "$tmp/e"
	hl_check "key file mode $mode: nothing on stdout" [ ! -s "$tmp/o" ]
done
chmod 600 "$tmp/key"
hl_run 10 "$tmp/o" "$tmp/e" "$bin" -c "$tmp/pm.conf" \
    -o "PseudonymKeyFile=$tmp/key" --test-message "$tmp/k.eml"
hl_check "key file mode 600: accepted (exit $rc)" [ "$rc" -eq 0 ]

hl_done
