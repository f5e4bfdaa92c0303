# tests/hostile/lib.sh -- helpers of the hostile-input tests (sourced).
#
# Sets src (source tree), bld (build tree: the current directory, where
# make check runs tests), bin (the privacy-milter binary) and tmp (a
# private directory removed at exit). Prints TAP-like lines:
#   ok N - NAME  /  not ok N - NAME: why
# and hl_done exits 1 when any case failed, 77 (skip) when told to.
#
# hl_run SECS OUT ERR CMD...: run CMD with stdout to OUT, stderr to ERR,
#   killed after SECS seconds; sets rc (124: timed out) and secs (elapsed,
#   whole seconds).
# hl_ok NAME / hl_fail NAME WHY / hl_todo NAME WHY: record a result.
# hl_check NAME COND...: hl_ok when the test command COND succeeds.
# hl_tester SECS OUT ERR MSG [ARGS...]: the offline tester on file MSG with
#   the test configuration ($tmp/test.conf, rules/default.rules) and the
#   macros of an authenticated TLS submission, plus ARGS.

src=$(cd "$(dirname "$0")/../.." && pwd)
bld=$(pwd)
bin=$bld/privacy-milter
[ -x "$bin" ] || bin=$src/privacy-milter
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pm-hostile.XXXXXX") || exit 99
# At exit: stop a daemon left running (hl_milter_start), remove $tmp.
trap 'hl_milter_stop; [ "${PM_KEEP:-0}" = 1 ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
n=0
nfail=0
ntodo=0

hl_ok() {
	n=$((n + 1))
	printf "ok %s - %s\n" "$n" "$1"
}

hl_fail() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	printf "not ok %s - %s: %s\n" "$n" "$1" "$2"
}

# hl_todo NAME WHY: a known issue, reported (not ok ... # TODO) but not a
# failure of the test.
hl_todo() {
	n=$((n + 1))
	ntodo=$((ntodo + 1))
	printf "not ok %s - %s: %s # TODO known issue\n" "$n" "$1" "$2"
}

hl_check() {
	_name=$1
	shift
	if "$@"; then hl_ok "$_name"; else hl_fail "$_name" "failed: $*"; fi
}

hl_run() {
	_secs=$1 _out=$2 _err=$3
	shift 3
	_t0=$(date +%s)
	timeout -s KILL "$_secs" "$@" > "$_out" 2> "$_err"
	rc=$?
	[ $rc -eq 137 ] && rc=124
	secs=$(($(date +%s) - _t0))
}

hl_done() {
	echo "# $n cases, $nfail failed, $ntodo known issues (TODO)"
	[ $nfail -eq 0 ]
	exit $?
}

[ -x "$bin" ] || { echo "# $bin not built"; exit 99; }

cat > "$tmp/test.conf" <<CONF
AuthservID	mx.example.org
TLSHeader	yes
TLSHeaderName	X-TLS-Info
OnError		tempfail
RulesFile	$src/rules/default.rules
CONF

AUTH_MACROS="--macro client_addr=91.91.1.2 --macro client_port=51234
--macro client_name=ip5b5b0102.dynamic.kabel-deutschland.de
--macro {daemon_name}=submission --macro {daemon_port}=587
--macro {auth_authen}=alice --macro {auth_type}=PLAIN
--macro {mail_addr}=alice@example.org --macro {tls_version}=TLSv1.3
--macro {cipher}=TLS_AES_256_GCM_SHA384 --macro {cipher_bits}=256"

hl_tester() {
	_secs=$1 _o=$2 _e=$3 _msg=$4
	shift 4
	# shellcheck disable=SC2086
	hl_run "$_secs" "$_o" "$_e" "$bin" -c "$tmp/test.conf" \
	    --test-message "$_msg" $AUTH_MACROS "$@"
}

# hl_count PATTERN FILE: lines matching (grep -c, 0 when none)
hl_count() {
	grep -c -a -e "$1" "$2" 2>/dev/null || true
}

# hl_maxline FILE: longest line in bytes (without its line end)
hl_maxline() {
	LC_ALL=C awk '{ sub(/\r$/, ""); if (length($0) > m) m = length($0) } END { print m + 0 }' "$1"
}

# hl_headers FILE: the header section of a message (up to the empty line)
hl_headers() {
	LC_ALL=C awk '/^\r?$/ { exit } { print }' "$1"
}

# The daemon, for the tests that talk to it over its socket.
# hl_milter_start CONF [ARGS...]: start it in the foreground (a background
#   job) on unix:$tmp/pm.sock with pidfile $tmp/pm.pid, no user switch,
#   log in $LOG; waits (10 s) until the pidfile names it and a child runs;
#   sets MPID. hl_milter_stop: SIGTERM, wait (10 s, then SIGKILL); sets MRC.
# hl_child: the supervisor's filtering child (empty: none; not the
#   metrics process, pm-metrics).
# hl_wait_log PATTERN COUNT [SECS]: until $LOG has COUNT matching lines
#   (default 10 s); 1 when it did not happen.
SOCK=$tmp/pm.sock
PIDF=$tmp/pm.pid
LOG=$tmp/milter.log
MPID=
MRC=
PYLIB=$src/tests/hostile

hl_milter_start() {
	_conf=$1
	shift
	"$bin" -f -c "$_conf" -o "Socket=unix:$SOCK" -o "PidFile=$PIDF" \
	    -o UserID= -o SocketGroup= "$@" >> "$LOG" 2>&1 &
	MPID=$!
	_w=0
	while [ $_w -lt 100 ]; do
		if [ -S "$SOCK" ] && [ "$(cat "$PIDF" 2>/dev/null)" = "$MPID" ] &&
		    [ -n "$(hl_child)" ]; then
			return 0
		fi
		kill -0 "$MPID" 2>/dev/null || return 1
		sleep 0.1
		_w=$((_w + 1))
	done
	return 1
}

hl_child() {
	[ -n "$MPID" ] && pgrep -P "$MPID" -x privacy-milter | head -n 1
}

hl_milter_stop() {
	MRC=
	[ -n "$MPID" ] || return 0
	kill -TERM "$MPID" 2>/dev/null
	_w=0
	while kill -0 "$MPID" 2>/dev/null && [ $_w -lt 100 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	kill -KILL "$MPID" 2>/dev/null
	wait "$MPID" 2>/dev/null
	MRC=$?
	MPID=
}

hl_wait_log() {
	_w=0
	_max=$((${3:-10} * 10))
	while [ $_w -lt $_max ]; do
		[ "$(grep -c -e "$1" "$LOG" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.1
		_w=$((_w + 1))
	done
	return 1
}

# hl_daemon_conf [LINE...]: $tmp/pm.conf for the daemon: the default rules,
#   the TLS header, in the foreground, plus each LINE ("Key value")
hl_daemon_conf() {
	{
		printf 'AuthservID\tmx.test.example\nBackground\tno\n'
		printf 'TLSHeader\tyes\nRulesFile\t%s\n' "$src/rules/default.rules"
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} > "$tmp/pm.conf"
}

# hl_py CODE...: python3 with tests/hostile on the path (milterproto)
hl_py() {
	PYTHONPATH=$PYLIB python3 "$@"
}
