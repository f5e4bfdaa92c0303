#!/bin/sh
# tests/milter/stats.sh -- the counters, end to end through the daemon: a
# known sequence of sessions (stats.lua: TLS 1.3 and 1.2, plain, local,
# forwarded, a fail-policy tempfail) gives exact counts at the metrics
# endpoint (MetricsSocket, curl; promtool check metrics when installed)
# and in privacy-milter --stats; a reload that moves a named rule keeps its
# count under its new file:line; a broken reload is counted and the last
# reload reads failed; a child killed with SIGKILL is restarted and the
# counts survive it; the metrics process, killed, is restarted; it runs as
# UserID (as root) with a read-only view of the counters; the counters'
# file goes away with the daemon.
. "$(dirname "$0")/lib.sh"
L=$PM_SRCDIR/tests/milter
for c in curl python3; do
	command -v $c >/dev/null 2>&1 ||
	    { echo "SKIP: $c is not installed"; exit 77; }
done
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT/metrics
R=$T/stats.rules
STATS=$T/privacy-milter.stats
printf '# counters test\nremove X-Test-Secret name test-secret when authenticated\npseudonymize X-Fail /.+/ when authenticated\n' >"$R"
chmod 644 "$R"
USER_OPT=UserID=
[ "$(id -u)" -eq 0 ] && USER_OPT=UserID=nobody

start_milter -o "RulesFile=$T/default.rules" -o "RulesFile=$R" \
    -o "MetricsSocket=inet:$PORT@127.0.0.1" -o "$USER_OPT"

# scrape - the exposition into $T/m (10 s for the endpoint to answer)
scrape() {
	_w=0
	until curl -sf -o "$T/m" "$URL"; do
		_w=$((_w + 1))
		[ $_w -lt 100 ] || fail "no answer from $URL"
		sleep 0.1
	done
}

# want LINE... - each line is in the last scrape, exactly
want() {
	for _l in "$@"; do
		grep -qxF "$_l" "$T/m" || {
			grep -F "${_l%%\{*}" "$T/m" | sed 's/^/  got: /'
			fail "metrics: no line \"$_l\""
		}
	done
}

# wait_metric LINE - scrape until the line is there (10 s)
wait_metric() {
	_v=0
	while :; do
		scrape
		grep -qxF "$1" "$T/m" && return 0
		_v=$((_v + 1))
		[ $_v -lt 100 ] || want "$1"
		sleep 0.1
	done
}

echo "checks: a known sequence of sessions"
lua "$L/stats.lua" >"$T/lua.out" 2>&1 || { cat "$T/lua.out"; fail "stats.lua"; }
wait_metric 'privacy_milter_sessions_total{transport="local"} 1'
want 'privacy_milter_messages_total{scope="authenticated"} 4' \
    'privacy_milter_messages_total{scope="local"} 1' \
    'privacy_milter_messages_total{scope="forwarded"} 1' \
    'privacy_milter_messages_total{scope="inbound"} 1' \
    'privacy_milter_messages_changed_total 2' \
    'privacy_milter_edits_total{kind="remove"} 3' \
    'privacy_milter_edits_total{kind="change"} 0' \
    'privacy_milter_edits_total{kind="tls_header"} 5' \
    'privacy_milter_sessions_total{transport="tls"} 4' \
    'privacy_milter_sessions_total{transport="plain"} 1' \
    'privacy_milter_tls_sessions_total{version="TLSv1.3",cipher="TLS_AES_256_GCM_SHA384"} 3' \
    'privacy_milter_tls_sessions_total{version="TLSv1.2",cipher="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"} 1' \
    'privacy_milter_fail_policy_total{cause="internal",action="tempfail"} 1' \
    'privacy_milter_fail_policy_total{cause="match_limit",action="tempfail"} 0' \
    'privacy_milter_eom_duration_seconds_count 7' \
    'privacy_milter_generation 1' \
    'privacy_milter_reloads_total{result="ok"} 0' \
    'privacy_milter_last_reload_successful 1' \
    'privacy_milter_child_restarts_total 0'
hit=$(grep '^privacy_milter_rule_hits_total{rule="stats.rules:2",id="[0-9a-f]*",name="test-secret"} 1$' "$T/m") ||
    fail "metrics: the named rule at stats.rules:2 with 1 hit"
id=$(echo "$hit" | sed 's/.*id="\([0-9a-f]*\)".*/\1/')
ok "exact counts at $URL; the named rule stats.rules:2 (id $id): 1 hit"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$T/m" >"$T/promtool.out" 2>&1 ||
	    { cat "$T/promtool.out"; fail "promtool check metrics"; }
	ok "promtool check metrics: no problem"
fi
grep -E '[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|alice|example|laptop' "$T/m" &&
    fail "an address, login or host name in the exposition"
ok "no address, login or host name in the exposition"

echo "checks: --stats"
"$PM_BIN" -c "$CONF" -o "PidFile=$PIDF" --stats >"$T/table" 2>&1 ||
    { cat "$T/table"; fail "--stats exit status $?"; }
for l in "counters            $STATS" "messages            7, changed 2" \
    "  by scope          authenticated 4, local 1, forwarded 1, inbound 1" \
    "sessions            TLS 4, plain text 1, local 1" \
    "fail policy         internal/tempfail 1"; do
	grep -qxF "$l" "$T/table" || { cat "$T/table"; fail "--stats: no line \"$l\""; }
done
grep -q "^supervisor          pid $MPID, running since " "$T/table" ||
    { cat "$T/table"; fail "--stats: the supervisor"; }
grep -qE '^ +1  stats\.rules:2  test-secret$' "$T/table" ||
    { cat "$T/table"; fail "--stats: the named rule"; }
[ "$(stat -c '%a %U' "$STATS")" = "640 root" ] || [ "$(id -u)" -ne 0 ] ||
    fail "$STATS: mode and owner $(stat -c '%a %U' "$STATS"), expected 640 root"
ok "--stats: the same counts; $STATS mode 0640"

echo "checks: a reload moves the named rule; a broken reload"
printf '# counters test\n# two lines\n# more\nremove X-Test-Secret name test-secret when authenticated\npseudonymize X-Fail /.+/ when authenticated\n' >"$R.new"
chmod 644 "$R.new"
mv "$R.new" "$R"
kill -HUP "$MPID"
wait_metric 'privacy_milter_generation 2'
want "privacy_milter_rule_hits_total{rule=\"stats.rules:4\",id=\"$id\",name=\"test-secret\"} 1" \
    'privacy_milter_reloads_total{result="ok"} 1' \
    'privacy_milter_last_reload_successful 1'
grep -q 'rule="stats.rules:2"' "$T/m" && fail "the old file:line is still shown"
ok "reload: generation 2, the named rule now at stats.rules:4, same id, same count"
printf 'remove X-A /unclosed(/\n' >"$R.new"
chmod 644 "$R.new"
mv "$R.new" "$R"
kill -HUP "$MPID"
wait_metric 'privacy_milter_reloads_total{result="failed"} 1'
want 'privacy_milter_last_reload_successful 0' 'privacy_milter_generation 2'
ok "broken reload: counted, last reload failed, generation 2 kept"

echo "checks: the counters outlive a child; the metrics process is restarted"
C=$(pgrep -P "$MPID" -x privacy-milter | head -n 1)
M=$(pgrep -P "$MPID" -x pm-metrics | head -n 1)
[ -n "$C" ] && [ -n "$M" ] || fail "child $C, metrics process $M"
if [ "$(id -u)" -eq 0 ]; then
	[ "$(ps -o user= -p "$M")" = nobody ] ||
	    fail "metrics process runs as $(ps -o user= -p "$M")"
	grep -q "rw.s .*privacy-milter.stats" "/proc/$M/maps" &&
	    fail "the metrics process can write the counters"
	grep -q "r--s .*privacy-milter.stats" "/proc/$M/maps" ||
	    fail "the metrics process has no view of the counters"
	ok "metrics process $M runs as nobody, reads the counters read-only"
fi
kill -KILL "$C"
wait_metric 'privacy_milter_child_restarts_total 1'
want 'privacy_milter_messages_total{scope="authenticated"} 4' \
    'privacy_milter_eom_duration_seconds_count 7' \
    "privacy_milter_rule_hits_total{rule=\"stats.rules:4\",id=\"$id\",name=\"test-secret\"} 1"
ok "child $C killed: restarted, counts kept"
kill -KILL "$M"
_w=0
while [ -z "$(pgrep -P "$MPID" -x pm-metrics)" ] ||
    [ "$(pgrep -P "$MPID" -x pm-metrics)" = "$M" ]; do
	_w=$((_w + 1))
	[ $_w -lt 100 ] || fail "the metrics process was not restarted"
	sleep 0.1
done
scrape
want 'privacy_milter_messages_total{scope="authenticated"} 4'
grep -q "metrics process $M was killed by signal 9; restarting in 1 s" "$LOG" ||
    fail "the metrics process's death not logged"
ok "metrics process $M killed: restarted, logged"

stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
[ -e "$STATS" ] && fail "$STATS left behind"
ok "stopped: $STATS removed"
echo "PASS"
