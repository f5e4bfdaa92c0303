#!/bin/bash
# tests/e2e/metrics.sh -- the counters behind a real Postfix, scraped by a
# real Prometheus
#
# NAME
#	metrics.sh - a known sequence of mail through the private Postfix,
#	then exact counts at the metrics endpoint and through Prometheus's
#	HTTP API
# DESCRIPTION
#	The private Postfix of lib.sh (submission with STARTTLS and SASL, a
#	plain submission entry, an MX entry, pickup) and privacy-milter with
#	MetricsSocket on loopback, the default rules plus a named rule
#	(test-secret) and one that backtracks (evil). A Prometheus started
#	here (private configuration and data directory, 127.0.0.1, scrape
#	interval 1 s, the sample alert rules loaded) scrapes it. The
#	sequence:
#	  1. authenticated submission over TLS 1.3, with X-Test-Secret (the
#	     named rule hits)
#	  2. authenticated submission over TLS 1.2 (ECDHE-RSA-AES128-GCM-SHA256)
#	  3. authenticated submission in plain text
#	  4. local submission with sendmail(1)
#	  5. inbound mail, plain text, with a forged X-TLS-Info
#	  6. a reload (SIGHUP) that moves the named rule down three lines
#	  7. authenticated submission over TLS 1.3 whose X-Evil header hits
#	     MatchLimit: 451 (OnError tempfail)
#	Then: the exposition passes promtool check metrics; Prometheus's
#	/api/v1/query gives exactly the counts the sequence makes (messages
#	by scope, changed, edits by kind, sessions by transport, TLS by
#	version and cipher, the fail policy, reloads, generation, the named
#	rule's hits under its new file:line); /api/v1/rules has the alert
#	rules loaded and healthy. The trimmed exposition and the query
#	results are printed as comments.
#
#	Exit 77 when not root, PM_E2E=0, or postfix, swaks, dovecot, curl,
#	prometheus or promtool are missing (Debian: prometheus); 99 when the
#	harness cannot start. Runs in about 40 seconds. Written for
#	Prometheus 2.42 (Debian 12) and 2.53 (Debian 13, where promtool is
#	a package of its own); run here with 2.42.

. "$(dirname "$0")/lib.sh"

e2e_require postfix postmap swaks dovecot doveadm openssl runuser curl \
    python3
for c in prometheus promtool; do
	command -v $c >/dev/null 2>&1 || {
		say "SKIP: $c not installed (Debian: apt-get install prometheus; tests/run-all installs it)"
		exit 77
	}
done
grep -qs '^pcre[[:space:]]' /etc/postfix/dynamicmaps.cf \
    /etc/postfix/dynamicmaps.cf.d/* ||
    { say "SKIP: postfix-pcre not installed"; exit 77; }
[ -x "$PM_BIN" ] || { say "SKIP: $PM_BIN not built"; exit 77; }

D=$top_srcdir/tests/e2e/data
if [ "${PM_E2E_INSTALLED:-0}" = 1 ]; then
	ALERTS=/usr/share/doc/privacy-milter/examples/prometheus/privacy-milter-alerts.yml
else
	ALERTS=$top_srcdir/init/prometheus/privacy-milter-alerts.yml
fi
E2E_BOXES="bob carol dave erin gina"
e2e_workdir
e2e_ports 5
P_MX=$P1 P_SUB=$P2 P_PLAIN=$P3 P_METRICS=$P4 P_PROM=$P5
URL=http://127.0.0.1:$P_METRICS/metrics
API=http://127.0.0.1:$P_PROM/api/v1

# The snippet's submission entry again, without TLS (as in postfix.sh).
E2E_MASTER_EXTRA="$(e2e_submission_block | sed "1s/^submission  *inet/127.0.0.1:$P_PLAIN inet/"
	printf '%s\n' '  -o smtpd_tls_security_level=none' \
	    '  -o smtpd_tls_auth_only=no')"

# rules VERSION - the test's rules: the named rule on line 2 (version 1)
#	or on line 5 (version 2); written atomically
rules() {
	{
		echo "# tests/e2e/metrics.sh"
		[ "$1" = 2 ] && printf '# moved down\n# by three\n# lines\n'
		echo "remove X-Test-Secret name test-secret when authenticated"
		echo "redact X-Evil /(a+)+\$/ with \"x\" name evil"
	} >"$W/metrics.rules.tmp"
	chmod 644 "$W/metrics.rules.tmp"
	mv "$W/metrics.rules.tmp" "$W/metrics.rules"
}

e2e_certs
e2e_dovecot
e2e_postfix_config
rules 1
e2e_milter_conf "RulesFile $W/metrics.rules" \
    "MetricsSocket inet:$P_METRICS@127.0.0.1" "LogLevel 2"
e2e_milter_start || exit 99
e2e_postfix_start $P_MX $P_SUB $P_PLAIN

# Prometheus: private configuration and data, loopback, 1 s scrapes.
mkdir -p "$W/prom/data"
cp "$ALERTS" "$W/prom/alerts.yml"
cat >"$W/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: privacy-milter
    static_configs:
      - targets: ['127.0.0.1:$P_METRICS']
EOF
prometheus --config.file="$W/prom/prometheus.yml" \
    --storage.tsdb.path="$W/prom/data" \
    --web.listen-address="127.0.0.1:$P_PROM" >"$W/prom.log" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
n=0
until curl -sf -o /dev/null "http://127.0.0.1:$P_PROM/-/ready"; do
	n=$((n + 1))
	[ $n -gt 300 ] && { say "prometheus did not start"; tail "$W/prom.log"; exit 99; }
	sleep 0.1
done

# data_for BOX [HEADER] - the submission, to BOX, with HEADER added
data_for() {
	{
		[ -n "${2:-}" ] && printf '%s\n' "$2"
		sed "s/bob@remote\\.test/$1@remote.test/g" "$D/submission.eml"
	} >"$W/$1.eml"
	printf '%s\n' "$W/$1.eml"
}

# step NAME CMD... - one step of the sequence; its failure ends the test
step() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name" "$(tail -5 "$W/swaks.log" 2>/dev/null)" \
		    "$(tail -5 "$W/milter.log")"
		e2e_finish
	fi
}

# metric NAME{LABELS} - its value at the endpoint now (empty: none)
metric() {
	curl -sf "$URL" | awk -v k="$1" '$1 == k { print $2 }'
}

# wait_metric NAME{LABELS} VALUE - until the endpoint says so (10 s)
wait_metric() {
	local n=0
	while [ "$(metric "$1")" != "$2" ]; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
}

step "1. TLS 1.3 submission with X-Test-Secret delivered" \
    eval 'e2e_swaks_sub $P_SUB bob "$(data_for bob "X-Test-Secret: 42")" --tls &&
    e2e_wait_mail bob 1'
step "2. TLS 1.2 submission delivered" \
    eval 'e2e_swaks_sub $P_SUB carol "$(data_for carol)" --tls \
    --tls-protocol tlsv1_2 --tls-cipher ECDHE-RSA-AES128-GCM-SHA256 &&
    e2e_wait_mail carol 1'
step "3. plain submission delivered" \
    eval 'e2e_swaks_sub $P_PLAIN dave "$(data_for dave)" &&
    e2e_wait_mail dave 1'
step "4. local sendmail delivered" \
    eval 'runuser -u nobody -- /usr/sbin/sendmail -C "$W/etc" -t \
    <"$D/local.eml" >>"$W/sendmail.log" 2>&1 && e2e_wait_mail erin 1'
sed 's/dave@e2e\.test/gina@e2e.test/g' "$D/inbound.eml" >"$W/inbound.eml"
step "5. inbound (plain, forged X-TLS-Info) delivered" \
    eval 'swaks --server "127.0.0.1:$P_MX" --ehlo out.sender.example \
    --from someone@sender.example --to gina@e2e.test \
    --data "@$W/inbound.eml" >>"$W/swaks.log" 2>&1 &&
    e2e_wait_mail gina 1'
rules 2
kill -HUP "$E2E_MILTER_PID"
step "6. reload: generation 2" wait_metric privacy_milter_generation 2
evil=$(printf 'X-Evil: %s!' "$(printf 'a%.0s' $(seq 30))")
if e2e_swaks_sub $P_SUB bob "$(data_for bob "$evil")" --tls; then
	fail "7. MatchLimit: 451" "$(tail -5 "$W/swaks.log")"
elif tail -20 "$W/swaks.log" | grep -q '^<[*~]\* *451 4\.7\.0 '; then
	ok "7. MatchLimit: 451 4.7.0, the message refused"
else
	fail "7. MatchLimit: 451" "$(tail -5 "$W/swaks.log")"
fi
grep -q 'metrics.rules:6: pattern hit the match limit (MatchLimit [0-9]*); simplify the pattern or raise the limit; message refused (OnError=tempfail)' \
    "$W/milter.log" && ok "7. the log names metrics.rules:6" ||
    fail "7. the log names metrics.rules:6" "$(tail -3 "$W/milter.log")"

# The last session of the sequence is counted when Postfix closes it.
wait_metric 'privacy_milter_sessions_total{transport="tls"}' 3 ||
    fail "the endpoint counts the last session" "$(metric 'privacy_milter_sessions_total{transport="tls"}')"
curl -sf "$URL" >"$W/metrics.txt"
if promtool check metrics <"$W/metrics.txt" >"$W/promtool.out" 2>&1; then
	ok "promtool check metrics: the exposition is valid"
else
	fail "promtool check metrics" "$(cat "$W/promtool.out")"
fi
say "# curl $URL (trimmed: series at 0 left out)"
grep -v -e '^#' -e ' 0$' "$W/metrics.txt" | sed 's/^/#   /'
if "$PM_BIN" -c "$W/milter.conf" --stats >"$W/stats.txt" 2>&1 &&
    grep -qxF "messages            6, changed 4" "$W/stats.txt" &&
    grep -qxF "sessions            TLS 3, plain text 2, local 1" "$W/stats.txt"; then
	ok "privacy-milter --stats: the same counts"
else
	fail "privacy-milter --stats" "$(cat "$W/stats.txt")"
fi
say "# privacy-milter -c milter.conf --stats"
sed 's/^/#   /' "$W/stats.txt"

# query EXPR - Prometheus's answer: "labels value" lines, sorted
query() {
	curl -sfG "$API/query" --data-urlencode "query=$1" |
	    python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
for s in r:
    m = s["metric"]
    lab = ",".join("%s=%s" % (k, m[k]) for k in sorted(m) if k != "__name__")
    print("{%s} %s" % (lab, s["value"][1]))' | sort
}

# Prometheus has scraped the end of the sequence when it sees the last
# session (every earlier count is in the same scrape or an earlier one).
n=0
until [ "$(query 'sum(privacy_milter_sessions_total)')" = "{} 6" ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && { fail "prometheus scraped the sequence" "$(query 'sum(privacy_milter_sessions_total)')"; break; }
	sleep 0.2
done

# expect NAME EXPR WANT - Prometheus's answer, exactly
expect() {
	local got
	got=$(query "$2")
	say "# query: $2"
	printf '%s\n' "$got" | sed 's/^/#   /'
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "want:" "$3" "got:" "$got"
	fi
}

expect "messages by scope" \
    'sum by (scope) (privacy_milter_messages_total{job="privacy-milter"})' \
    '{scope=authenticated} 4
{scope=forwarded} 0
{scope=inbound} 1
{scope=local} 1'
expect "messages a rule changed: the 3 submissions, the local one" \
    'privacy_milter_messages_changed_total' \
    '{instance=127.0.0.1:'"$P_METRICS"',job=privacy-milter} 4'
expect "TLS headers inserted, forged copy removed" \
    'sum by (kind) (privacy_milter_edits_total{kind=~"tls_header|forged_tls_header"})' \
    '{kind=forged_tls_header} 1
{kind=tls_header} 4'
expect "sessions by transport" \
    'sum by (transport) (privacy_milter_sessions_total)' \
    '{transport=local} 1
{transport=plain} 2
{transport=tls} 3'
expect "TLS sessions by version and cipher" \
    'sum by (version, cipher) (privacy_milter_tls_sessions_total)' \
    '{cipher=TLS_AES_256_GCM_SHA384,version=TLSv1.3} 2
{cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,version=TLSv1.2} 1'
expect "fail policy: one match limit, tempfail" \
    'sum by (cause, action) (privacy_milter_fail_policy_total) > 0' \
    '{action=tempfail,cause=match_limit} 1'
expect "reloads and generation" \
    'sum by (result) (privacy_milter_reloads_total) or sum(privacy_milter_generation)' \
    '{result=failed} 0
{result=ok} 1
{} 2'
expect "the named rule: one hit, under its new file:line; evil failed, no hit" \
    'sum by (rule, name) (privacy_milter_rule_hits_total{name=~"test-secret|evil"})' \
    '{name=test-secret,rule=metrics.rules:5} 1'
expect "end of message: 6 messages" \
    'sum(privacy_milter_eom_duration_seconds_count)' '{} 6'

# The sample alert rules, loaded by this Prometheus.
curl -sf "$API/rules" | python3 -c '
import json, sys
g = json.load(sys.stdin)["data"]["groups"]
rules = [r for x in g for r in x["rules"]]
print(len(rules), sum(r.get("health") == "ok" for r in rules))' >"$W/rules.out"
read -r nr nok <"$W/rules.out"
if [ "${nr:-0}" -eq 6 ] && [ "$nok" -eq "$nr" ]; then
	ok "the sample alert rules: $nr loaded by Prometheus, all healthy"
else
	fail "the sample alert rules" "$(cat "$W/rules.out")" "$(tail -5 "$W/prom.log")"
fi

if [ "$E2E_FAIL" -gt 0 ] && [ "${PM_E2E_VERBOSE:-1}" = 1 ]; then
	say "# --- milter log (tail)"
	tail -n 30 "$W/milter.log" | sed 's/^/# /'
	say "# --- prometheus log (tail)"
	tail -n 10 "$W/prom.log" | sed 's/^/# /'
fi
e2e_finish
