#!/bin/bash
# tests/soak/soak.sh -- soak with faults: real Postfix, sustained load,
# reloads, broken rules, and kill -9 of the child and of the supervisor.
#
# NAME
#	soak.sh - privacy-milter behind a private Postfix for a long run
# DESCRIPTION
#	One private Postfix instance (tests/e2e/lib.sh), milter_default_action
#	= tempfail, and:
#	- SOAK_MESSAGES messages (default 20,000) with smtp-source -A -N
#	  (8 sessions) into a test-only submission service ("soaksrc": no
#	  TLS/SASL, milter_macro_daemon_name=soaksrc, the cleanup_submit of
#	  init/postfix/), each to its own numbered recipient; the milter runs
#	  rules/default.rules with "when submitted" widened to
#	  "or service soaksrc", so every message is scrubbed like a
#	  submission. The message (tests/soak/message.eml) carries a client
#	  Received, User-Agent, X-Originating-IP and X-Forwarded-For.
#	- at the same time, a stream of authenticated STARTTLS submissions
#	  with swaks to the real submission service (init/postfix/);
#	- SIGHUP to the supervisor every 100 ms; every tenth time the rules
#	  file is broken (an unterminated pattern) for that reload, then
#	  restored;
#	- at a third of the run, kill -9 of the libmilter child (the
#	  supervisor restarts it); at two thirds, kill -9 of the supervisor,
#	  restarted by the test as systemd would (smtp-source, which does not
#	  retry, is held with SIGSTOP until the milter is back).
#	Then the queue is drained and the test checks:
#	- every message was delivered exactly once, or answered with a 4xx at
#	  SMTP time (smtp-source -A reports each one; a real client would
#	  retry): sent = delivered + 4xx, no recipient number twice;
#	- no delivered message has a client address (127.0.0.1, the
#	  addresses of message.eml) or User-Agent in any header;
#	- the final child's RSS is flat from just after its start to the end
#	  (within 10 % + 1 MiB); the idle child holds as many descriptors at
#	  the end as after the warm-up;
#	- the milter kept the last good rules through every broken reload
#	  (the log names the broken file:line each time).
#	Prints the counts (sent, delivered, queued, 4xx, duplicates, leaked),
#	RSS and fds at start and end, and TAP-like case lines.
# ENVIRONMENT
#	SOAK_MESSAGES (20000), SOAK_SESSIONS (8), SOAK_SUBMISSIONS (swaks
#	submissions, default SOAK_MESSAGES / 100), PM_E2E_KEEP=1 keeps $W.
#	make soak: the full run (bounded to 15 minutes); make soak-short:
#	SOAK_MESSAGES=2000 for CI.
# DIAGNOSTICS
#	Exit 0 when every check passes, 1 otherwise, 77 when Postfix,
#	smtp-source, swaks, dovecot or root are missing.

. "$(dirname "$0")/../e2e/lib.sh"

e2e_require postfix postmap smtp-source swaks dovecot doveadm openssl
grep -qs '^pcre[[:space:]]' /etc/postfix/dynamicmaps.cf \
    /etc/postfix/dynamicmaps.cf.d/* ||
    { say "SKIP: postfix-pcre not installed"; exit 77; }
[ -x "$PM_BIN" ] || { say "SKIP: $PM_BIN not built"; exit 77; }

N=${SOAK_MESSAGES:-20000}
S=${SOAK_SESSIONS:-8}
NSUB=${SOAK_SUBMISSIONS:-$((N / 100))}
T0=$(date +%s)

E2E_BOXES="soak warm sub"
e2e_workdir
e2e_ports 3
P_MX=$P1 P_SUB=$P2 P_SRC=$P3
E2E_MASTER_EXTRA="127.0.0.1:$P_SRC inet n - y - - smtpd
  -o syslog_name=postfix/soaksrc
  -o smtpd_client_restrictions=
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o milter_macro_daemon_name=soaksrc
  -o cleanup_service_name=cleanup_submit"
e2e_certs
e2e_dovecot
e2e_postfix_config
# Numbered recipients, one maildir. smtp-source -N numbers them
# "123soak@remote.test" in Postfix 3.7 (Debian 12) and
# "soak123@remote.test" in Postfix 3.10 (Debian 13).
printf '/^([0-9]*soak|soak[0-9]*)@/\tsoak/\n/^([0-9]*warm|warm[0-9]*)@/\twarm/\n/^sub[0-9]*@/\tsub/\n' \
    >"$W/etc/vmailbox.pcre"
postconf -c "$W/etc" -e "milter_default_action = tempfail" \
    "default_process_limit = 100" "smtpd_client_connection_count_limit = 0" \
    "smtpd_client_connection_rate_limit = 0" "in_flow_delay = 0"

RULES=$W/soak.rules
sed 's/when submitted\b/when submitted or service soaksrc/' \
    "$top_srcdir/rules/default.rules" >"$RULES.good"
cp "$RULES.good" "$RULES"
printf 'remove X-Broken /unterminated\n' >"$RULES.broken"
cat "$RULES.good" >>"$RULES.broken"
chmod 644 "$RULES" "$RULES.good" "$RULES.broken"
e2e_milter_conf
# e2e_milter_conf names rules/default.rules; the soak's copy replaces it.
sed -i "s|^RulesFile .*|RulesFile $RULES|" "$W/milter.conf"
e2e_milter_start || exit 99
e2e_postfix_start $P_MX $P_SUB $P_SRC

# --- helpers ---------------------------------------------------------------
child_of() { pgrep -P "$1" | head -n 1; }
rss_of() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }
fds_of() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
sample() {	# sample LABEL: child's RSS (kB) and fds
	local c
	c=$(child_of "$E2E_MILTER_PID")
	eval "RSS_$1=\$(rss_of \"$c\") FDS_$1=\$(fds_of \"$c\") PID_$1=$c"
}
wait_child() {	# until the supervisor has a child (10 s)
	local n=0
	while [ -z "$(child_of "$E2E_MILTER_PID")" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

# Warm-up: 200 messages, then the start sample.
smtp-source -A -N -s 4 -m 200 -f alice@e2e.test -t warm@remote.test \
    -F "$top_srcdir/tests/soak/message.eml" "127.0.0.1:$P_SRC" \
    >"$W/warmup.log" 2>&1
wait_child
sample start

# --- the load ---------------------------------------------------------------
smtp-source -A -N -s "$S" -m "$N" -f alice@e2e.test -t soak@remote.test \
    -F "$top_srcdir/tests/soak/message.eml" "127.0.0.1:$P_SRC" \
    >"$W/smtp-source.log" 2>&1 &
SRC_PID=$!

# Authenticated STARTTLS submissions, one after the other.
(
	i=0
	while [ $i -lt "$NSUB" ]; do
		i=$((i + 1))
		if swaks --server "127.0.0.1:$P_SUB" --ehlo laptop.home.lan \
		    --tls -au u7734x -ap s3cret --from alice@e2e.test \
		    --to "sub$i@remote.test" \
		    --header "Subject: soak submission $i" \
		    --header "User-Agent: SoakAgent/1.0" \
		    --header "X-Originating-IP: [192.168.1.5]" \
		    >"$W/swaks.$i.log" 2>&1; then
			echo "ok $i"
		elif grep -q -E '^<[*~]\* *4[0-9][0-9] ' "$W/swaks.$i.log"; then
			echo "4xx $i"
		else
			echo "error $i"
			continue
		fi
		rm -f "$W/swaks.$i.log"
	done >"$W/swaks.results"
) &
SUB_PID=$!

# SIGHUP every 100 ms, a broken file every tenth time; kill -9 the child
# at a third of the run, the supervisor at two thirds.
hups=0 broken=0 killed_child=0 killed_sup=0
while kill -0 "$SRC_PID" 2>/dev/null || kill -0 "$SUB_PID" 2>/dev/null; do
	hups=$((hups + 1))
	if [ $((hups % 10)) -eq 0 ]; then
		cp "$RULES.broken" "$RULES.tmp" && mv "$RULES.tmp" "$RULES"
		broken=$((broken + 1))
	fi
	kill -HUP "$E2E_MILTER_PID" 2>/dev/null
	sleep 0.1
	if [ $((hups % 10)) -eq 0 ]; then
		cp "$RULES.good" "$RULES.tmp" && mv "$RULES.tmp" "$RULES"
	fi
	done_n=$(ls "$W/mail/soak/new" 2>/dev/null | wc -l)
	if [ $killed_child = 0 ] && [ "$done_n" -ge $((N / 3)) ]; then
		sample before_kill
		kill -KILL "$(child_of "$E2E_MILTER_PID")" && killed_child=1
		say "# kill -9 child $PID_before_kill at $done_n delivered"
	fi
	if [ $killed_sup = 0 ] && [ "$done_n" -ge $((2 * N / 3)) ]; then
		old=$E2E_MILTER_PID
		oldchild=$(child_of "$old")
		# smtp-source does not retry: while the milter is down it would
		# burn the rest of its messages on 4xx replies in a second. Hold
		# it (its sessions in progress get their 4xx) until the milter
		# is back, as real clients come back later.
		kill -STOP "$SRC_PID" 2>/dev/null
		kill -KILL "$old" && killed_sup=1
		say "# kill -9 supervisor $old at $done_n delivered"
		wait "$old" 2>/dev/null
		# As systemd would: the rest of the unit (the child, told by
		# PDEATHSIG) gets TimeoutStopSec (here 10 s) to finish its
		# sessions, then SIGKILL; then the service is started again.
		n=0
		while [ -n "$oldchild" ] && kill -0 "$oldchild" 2>/dev/null && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		[ -n "$oldchild" ] && kill -KILL "$oldchild" 2>/dev/null &&
		    say "# orphaned child $oldchild still there after 10 s: killed"
		say "# orphaned child gone after $((n / 10)).$((n % 10)) s; restarting"
		e2e_milter_start || say "# restart failed"
		wait_child
		sleep 1
		sample after_restart
		kill -CONT "$SRC_PID" 2>/dev/null
		if [ "${SOAK_DEBUG:-0}" = 1 ]; then
			ls -li "$W/spool/privacy-milter/" | sed 's/^/#   /'
			ss -xlp | grep privacy-milter | sed 's/^/#   /'
		fi
		if [ -z "$PID_after_restart" ]; then
			say "# no child after the restart; supervisor $E2E_MILTER_PID $(kill -0 "$E2E_MILTER_PID" 2>/dev/null && echo alive || echo gone); the log ends:"
			tail -n 6 "$W/milter.log" | sed 's/^/#   /'
		fi
	fi
done
wait "$SRC_PID"
SRC_RC=$?
wait "$SUB_PID"

# Drain the queue (up to 120 s), then the end sample.
n=0
while [ -n "$(postqueue -c "$W/etc" -p 2>/dev/null | grep '^[0-9A-F]')" ] && [ $n -lt 1200 ]; do
	sleep 0.1
	n=$((n + 1))
done
QUEUED=$(postqueue -c "$W/etc" -p 2>/dev/null | grep -c '^[0-9A-F]')
sleep 1
sample end
ELAPSED=$(($(date +%s) - T0))

# --- counts -----------------------------------------------------------------
SENT=$N
T4XX=$(grep -c ': 4[0-9][0-9] ' "$W/smtp-source.log")
OTHER_ERR=$(grep -v ': 4[0-9][0-9] ' "$W/smtp-source.log" | grep -c 'warning\|fatal')
# Recipient numbers of delivered mail (Delivered-To of smtp-source -N, the
# number before or after "soak" as the Postfix version writes it), and
# delivered messages whose header block holds a client address or agent:
# one awk over all files (20,000 processes would take minutes).
LEAKRE='127\.0\.0\.1|192\.168\.1\.5|95\.91\.1\.2|laptop\.home\.lan|SoakAgent|Thunderbird|u7734x'
find "$W/mail/soak/new" -type f -exec awk '
	FNR == 1 { inh = 1 }
	!inh { nextfile }
	/^$/ { inh = 0; nextfile }
	/^Delivered-To: *([0-9]+soak|soak[0-9]+)@/ {
		sub(/^Delivered-To: */, ""); sub(/@.*/, ""); sub(/soak/, ""); print
	}
' {} + | sort >"$W/delivered.ids"
DELIVERED=$(wc -l <"$W/delivered.ids")
DUPS=$(uniq -d "$W/delivered.ids" | wc -l)
find "$W/mail/soak/new" "$W/mail/sub/new" -type f -exec awk -v re="$LEAKRE" '
	FNR == 1 { inh = 1 }
	!inh { nextfile }
	/^$/ { inh = 0; nextfile }
	$0 ~ re { print FILENAME; inh = 0; nextfile }
' {} + >"$W/leaked.list" 2>/dev/null
LEAKED=$(wc -l <"$W/leaked.list")
head -n 3 "$W/leaked.list" | while read -r f; do cp "$f" "$W/"; done
SUB_OK=$(grep -c '^ok' "$W/swaks.results")
SUB_4XX=$(grep -c '^4xx' "$W/swaks.results")
SUB_ERR=$(grep -c '^error' "$W/swaks.results")
SUB_DELIVERED=$(e2e_count sub)
BROKEN_LOGGED=$(grep -c 'soak.rules:1: ' "$W/milter.log")

say "# soak: $ELAPSED s; smtp-source: sent $SENT, delivered $DELIVERED, 4xx $T4XX, queued $QUEUED, duplicates $DUPS, other errors $OTHER_ERR"
say "# soak: submissions: sent $NSUB, delivered $SUB_DELIVERED, 4xx $SUB_4XX, errors $SUB_ERR"
for i in $(sed -n 's/^error //p' "$W/swaks.results" | head -n 3); do
	say "# submission $i failed:"
	tail -n 8 "$W/swaks.$i.log" | sed 's/^/#   /'
done
say "# soak: leaked (client address or User-Agent in a delivered header) $LEAKED"
say "# soak: SIGHUP $hups, broken rules $broken (logged $BROKEN_LOGGED), kill -9 child $killed_child, supervisor $killed_sup"
say "# soak: child RSS kB / fds: start ${RSS_start:-?}/${FDS_start:-?} (pid ${PID_start:-?}), before kill ${RSS_before_kill:-?}/${FDS_before_kill:-?}, after restart ${RSS_after_restart:-?}/${FDS_after_restart:-?} (pid ${PID_after_restart:-?}), end ${RSS_end:-?}/${FDS_end:-?} (pid ${PID_end:-?})"

# --- checks -----------------------------------------------------------------
chk() {	# chk NAME CONDITION...
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "failed: $*"; fi
}
chk "smtp-source finished (exit $SRC_RC)" [ "$SRC_RC" -eq 0 ]
chk "every message delivered once or answered 4xx: $DELIVERED + $T4XX = $SENT" \
    [ $((DELIVERED + T4XX)) -eq "$SENT" ]
chk "no message delivered twice" [ "$DUPS" -eq 0 ]
chk "no other SMTP error" [ "$OTHER_ERR" -eq 0 ]
chk "queue drained" [ "$QUEUED" -eq 0 ]
chk "submissions: every one delivered or answered 4xx: $SUB_DELIVERED + $SUB_4XX = $NSUB" \
    [ $((SUB_DELIVERED + SUB_4XX)) -eq "$NSUB" -a "$SUB_ERR" -eq 0 ]
chk "no delivered message with a client address or User-Agent" [ "$LEAKED" -eq 0 ]
chk "every broken reload reported with file:line" [ "$BROKEN_LOGGED" -ge 1 ]
chk "kill -9 of the child and of the supervisor done" \
    [ "$killed_child" = 1 -a "$killed_sup" = 1 ]
chk "the milter still runs" kill -0 "$E2E_MILTER_PID"
base_rss=${RSS_after_restart:-$RSS_start}
# Descriptors: idle against idle (the start sample follows the warm-up,
# the end sample the drained queue), whatever child generation.
base_fds=$FDS_start
chk "RSS flat: end ${RSS_end:-?} kB <= ${base_rss:-?} kB + 10 % + 1 MiB" \
    [ -n "${RSS_end:-}" -a -n "$base_rss" -a "${RSS_end:-0}" -le $((base_rss + base_rss / 10 + 1024)) ]
chk "fds flat: end ${FDS_end:-?} = ${base_fds:-?}" \
    [ -n "${FDS_end:-}" -a "${FDS_end:-0}" -eq "${base_fds:--1}" ]
e2e_finish
