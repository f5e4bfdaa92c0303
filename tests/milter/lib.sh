# tests/milter/lib.sh -- shared by the miltertest scripts (sourced).
#
# Finds the binary in the current directory (make check runs the tests from
# the top of the build tree; PM_BIN overrides), the sources beside this file;
# skips (77) without miltertest; makes a temporary directory (mode 755) for
# the socket, pidfile, log and a copy of test.conf and the default rules,
# and removes it (and stops the milter) on exit.
set -u
PM_SRCDIR=${PM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PM_BIN=${PM_BIN:-$(pwd)/privacy-milter}
LIBLUA=$PM_SRCDIR/tests/milter/lib.lua

if ! command -v miltertest >/dev/null 2>&1; then
	echo "SKIP: miltertest is not installed (Debian: apt-get install miltertest)"
	exit 77
fi
if [ ! -x "$PM_BIN" ]; then
	echo "FAIL: $PM_BIN not built"
	exit 1
fi

T=$(mktemp -d /tmp/pm-milter.XXXXXX)
SOCK=$T/pm.sock
PIDF=$T/pm.pid
LOG=$T/milter.log
# The configuration and rules the child re-reads on every reload live in
# the test's own directory, readable by any user the child may run as
# (options.sh: nobody), wherever the checkout is (a clone under /root is
# mode 700): what the docs tell users to do with /etc/privacy-milter.
chmod 755 "$T"
CONF=$T/test.conf
sed 's|^RulesFile.*|RulesFile	default.rules|' \
    "$PM_SRCDIR/tests/milter/test.conf" >"$CONF"
cp "$PM_SRCDIR/rules/default.rules" "$T/default.rules"
chmod 644 "$CONF" "$T/default.rules"
MPID=

cleanup() {
	if [ -n "$MPID" ] && kill -0 "$MPID" 2>/dev/null; then
		kill -TERM "$MPID" 2>/dev/null
		wait "$MPID" 2>/dev/null
	fi
	if [ "${PM_KEEP:-0}" = 1 ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	if [ -s "$LOG" ]; then
		echo "--- last lines of the milter's log:"
		tail -n 40 "$LOG"
	fi
	exit 1
}

ok() {
	echo "ok: $*"
}

# start_milter [ARGS...] - start in the foreground (as a background job);
# waits until the pidfile names the process (written once the socket is
# made)
start_milter() {
	"$PM_BIN" -f -c "$CONF" -o "Socket=unix:$SOCK" -o "PidFile=$PIDF" \
	    -o UserID= -o SocketGroup= "$@" >>"$LOG" 2>&1 &
	MPID=$!
	_w=0
	while [ $_w -lt 100 ]; do
		# The pidfile is written after the socket is made.
		if [ -S "$SOCK" ] && [ "$(cat "$PIDF" 2>/dev/null)" = "$MPID" ]; then
			break
		fi
		kill -0 "$MPID" 2>/dev/null || fail "the milter exited at start"
		sleep 0.1
		_w=$((_w + 1))
	done
	[ -S "$SOCK" ] || fail "no socket after 10 s"
	[ "$(cat "$PIDF")" = "$MPID" ] ||
	    fail "pidfile holds $(cat "$PIDF"), expected $MPID"
}

# stop_milter - SIGTERM to the supervisor; sets MRC to its exit status
stop_milter() {
	kill -TERM "$MPID"
	wait "$MPID"
	MRC=$?
	MPID=
}

# child_pid - the libmilter child of the supervisor
child_pid() {
	pgrep -P "$MPID" | head -n 1
}

# wait_log PATTERN COUNT - until the log has COUNT lines matching (10 s)
wait_log() {
	_w=0
	while [ $_w -lt 100 ]; do
		if [ "$(grep -c -e "$1" "$LOG")" -ge "$2" ]; then
			return 0
		fi
		sleep 0.1
		_w=$((_w + 1))
	done
	fail "log: fewer than $2 lines matching \"$1\""
}

# (Helpers count with _w: callers' loop variables are left alone.)

# lua SCRIPT [-D name=value]... - run a miltertest script
lua() {
	script=$1
	shift
	miltertest -D "sock=unix:$SOCK" -D "lib=$LIBLUA" "$@" -s "$script"
}
