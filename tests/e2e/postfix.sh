#!/bin/bash
# tests/e2e/postfix.sh -- privacy-milter behind a real Postfix, end to end
#
# NAME
#	postfix.sh - submission (STARTTLS + SASL), plain submission, inbound,
#	local sendmail, two-hop re-injection, milter down/up, a 100 KiB
#	header, SIGHUP under load, milter order (a milter after ours sees the
#	scrubbed headers), TLS 1.2 (IANA cipher name), two hops with XFORWARD,
#	two recipients, who wrote the submission hop's own Received, the log
#	holds no removed value
# DESCRIPTION
#	One private instance of the system's Postfix (3.7 on Debian 12, 3.10
#	on Debian 13 or from bookworm-backports; postfix -c DIR, 127.0.0.1
#	only), configured from init/postfix/main.cf.snippet and
#	master.cf.snippet as README "Postfix" tells users (on 3.10 the
#	submission entry with smtpd_hide_client_session, lib.sh
#	e2e_hide_client), chrooted smtpd and cleanup, the milter
#	socket under the queue directory, Dovecot SASL, a CA and server
#	certificate made here. Each case sends real mail with swaks or
#	sendmail(1) and compares the delivered maildir file's header block
#	with the expected text (queue ids and dates normalised).
#
#	Exit 77 when not root, PM_E2E=0, or postfix, postfix-pcre, dovecot,
#	swaks or openssl are missing; 99 when the harness cannot start.
#	PM_E2E_KEEP=1 keeps the work directory; PM_E2E_INSTALLED=1 tests
#	the installed package instead of the build tree (lib.sh).
#	Runs in about 30 seconds.

. "$(dirname "$0")/lib.sh"

e2e_require postfix postmap swaks dovecot doveadm openssl runuser
grep -qs '^pcre[[:space:]]' /etc/postfix/dynamicmaps.cf \
    /etc/postfix/dynamicmaps.cf.d/* ||
    { say "SKIP: postfix-pcre not installed"; exit 77; }
[ -x "$PM_BIN" ] || { say "SKIP: $PM_BIN not built"; exit 77; }

D=$top_srcdir/tests/e2e/data
E2E_BOXES="bob carol dave erin frank gina henry ivan judy kim lee mia nora"
e2e_workdir
e2e_ports 8
P_MX=$P1 P_SUB=$P2 P_PLAIN=$P3 P_HOP1=$P4 P_REINJ=$P5 P_ORDER=$P6
P_XHOP1=$P7 P_XREINJ=$P8

# Test-only services beside the snippet's: the submission entry again
# without TLS (the "plain" case); a two-hop pair: hop 1 is the submission
# entry with a content filter instead of cleanup_submit, hop 2 the
# re-injection smtpd of README "Postfix", two-hop setups; and the
# submission entry with a second milter after ours (README "DKIM").
# The first hops of the two-hop pairs come from the classic submission
# entry without its cleanup_submit: a hop that leaves the client in its
# Received, as an MSA with an older Postfix would.
sub_block() {
	e2e_submission_block "$@"
}
E2E_MASTER_EXTRA="$(sub_block | sed "1s/^submission  *inet/127.0.0.1:$P_PLAIN inet/"
	printf '%s\n' '  -o smtpd_tls_security_level=none' \
	    '  -o smtpd_tls_auth_only=no'
	sub_block classic | sed "1s/^submission  *inet/127.0.0.1:$P_HOP1 inet/" |
	    grep -v cleanup_service_name
	printf '%s\n' "  -o content_filter=scan:[127.0.0.1]:$P_REINJ"
	sub_block | sed "1s/^submission  *inet/127.0.0.1:$P_ORDER inet/"
	printf '%s\n' "  -o smtpd_milters=unix:privacy-milter/privacy-milter.sock,unix:second/second.sock"
	cat <<EOF
scan      unix  -       -       y       -       10      smtp
  -o smtp_tls_security_level=none
127.0.0.1:$P_REINJ inet n - y - - smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o smtpd_client_restrictions=
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
  -o milter_macro_daemon_name=reinject
EOF
	# The same pair with XFORWARD, the re-injection smtpd using
	# cleanup_submit for its own Received (README, two-hop setups).
	sub_block classic | sed "1s/^submission  *inet/127.0.0.1:$P_XHOP1 inet/" |
	    grep -v cleanup_service_name
	printf '%s\n' "  -o content_filter=scanx:[127.0.0.1]:$P_XREINJ"
	cat <<EOF
scanx     unix  -       -       y       -       10      smtp
  -o smtp_tls_security_level=none
  -o smtp_send_xforward_command=yes
127.0.0.1:$P_XREINJ inet n - y - - smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
  -o smtpd_client_restrictions=
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
  -o milter_macro_daemon_name=reinject
  -o cleanup_service_name=cleanup_submit
EOF
)"

e2e_certs
e2e_dovecot
e2e_postfix_config
sed "s/mail\\\\.example\\\\.org/mx\\\\.e2e\\\\.test/" \
    "$PM_SNIPPETS/reinject.rules" >"$W/reinject.rules"
e2e_milter_conf "RulesFile $W/reinject.rules" "TrustedReinjection reinject" \
    "LogLevel 2"
e2e_milter_start || exit 99
e2e_postfix_start $P_MX $P_SUB $P_PLAIN $P_HOP1 $P_REINJ $P_ORDER $P_XHOP1 \
    $P_XREINJ

# personal - what must not appear in a scrubbed message's headers
personal() {
	grep -n -E '127\.0\.0\.1|localhost|laptop|home\.lan|192\.168\.1\.5|95\.91\.1\.2|u7734x|userid|Thunderbird|NeoMutt|cron-mailer|X-Originating' "$1"
}

# check_scrubbed NAME FILE - no client identity in FILE's header block
check_scrubbed() {
	e2e_headers "$2" >"$W/h.scrub"
	if personal "$W/h.scrub" >"$W/hits"; then
		fail "$1: no client identity in any header" "$(cat "$W/hits")"
	else
		ok "$1: no client identity in any header"
	fi
}

# submission data with the box's address in To
data_for() {
	sed "s/bob@remote\\.test/$1@remote.test/g" "$D/submission.eml" \
	    >"$W/$1.eml"
	printf '%s\n' "$W/$1.eml"
}

# expected_submission BOX TLSLINE - the scrubbed submission's headers
expected_submission() {
	cat <<EOF
Return-Path: <alice@e2e.test>
X-Original-To: $1@remote.test
Delivered-To: $1@remote.test
Received: by $E2E_HOST (Postfix) id QID
	for <$1@remote.test>; DATE
$2
Received: by [redacted] with esmtp (Exim 4.96)
	id 1t9XyZ-000123-AB
	for $1@remote.test; DATE
Message-ID: <4f1c2a3b-5d6e-4f70-8a9b-0c1d2e3f4a5b@e2e.test>
Date: DATE
MIME-Version: 1.0
Content-Language: en-US
To: Bob <$1@remote.test>
From: Alice <alice@e2e.test>
Subject: Minutes of Monday's meeting
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit
EOF
}

# --- 1. authenticated submission over STARTTLS, Thunderbird-style
c1() {
	name="submission STARTTLS+SASL"
	e2e_swaks_sub $P_SUB bob "$(data_for bob)" --tls ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail bob 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg bob)
	expected_submission bob "$(e2e_tls13)" >"$W/exp.1"
	e2e_headers "$f" >"$W/got.1"
	e2e_expect "$name: delivered headers" "$W/exp.1" "$W/got.1"
	check_scrubbed "$name" "$f"
	own_received "$name" "$f"
}

# own_received NAME FILE - who wrote the submission hop's Received in
#	FILE: smtpd itself (smtpd_hide_client_session, Postfix >= 3.10: no
#	"replace: header Received" in the log for its queue id) or the
#	companion table (one such line); show it as delivered
own_received() {
	local how qid n
	qid=$(sed -n '/^Received:/{s/.* id \([0-9A-Za-z]*\);*$/\1/p;q}' "$2")
	n=$(grep -c "$qid: replace: header Received" "$W/maillog")
	if e2e_hide_client; then
		how="Postfix $(postconf -d -h mail_version), smtpd_hide_client_session=yes"
		[ -n "$qid" ] && [ "$n" = 0 ]
		t=$?
	else
		how="Postfix $(postconf -d -h mail_version), postfix-own-received.pcre"
		[ -n "$qid" ] && [ "$n" = 1 ]
		t=$?
	fi
	if [ $t = 0 ]; then
		ok "$1: own Received written by $how"
	else
		fail "$1: own Received written by $how" \
		    "queue id '$qid', $n replace lines in the mail log"
	fi
	say "# as delivered:"
	awk '/^Received:/ { on = 1; print; next } on && /^[ \t]/ { print; next }
	    { if (on) exit }' "$2" | sed 's/^/#   /'
}

# --- 2. the same over a plain connection
c2() {
	name="submission plain"
	e2e_swaks_sub $P_PLAIN carol "$(data_for carol)" ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail carol 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg carol)
	expected_submission carol "X-TLS-Info: $E2E_HOST; tls=none" \
	    >"$W/exp.2"
	e2e_headers "$f" >"$W/got.2"
	e2e_expect "$name: delivered headers, tls=none" "$W/exp.2" "$W/got.2"
	check_scrubbed "$name" "$f"
}

# --- 3. inbound, unauthenticated, over STARTTLS: only the TLS header.
c3() {
	name="inbound unauthenticated"
	swaks --server "127.0.0.1:$P_MX" --ehlo out.sender.example --tls \
	    --from someone@sender.example --to dave@e2e.test \
	    --data "@$D/inbound.eml" >>"$W/swaks.log" 2>&1 ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail dave 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg dave)
	{
		cat <<EOF
Return-Path: <someone@sender.example>
X-Original-To: dave@e2e.test
Delivered-To: dave@e2e.test
Received: from out.sender.example (localhost [127.0.0.1])
	(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
	 key-exchange $(e2e_kx) server-signature RSA-PSS (2048 bits) server-digest SHA256)
	(No client certificate requested)
	by $E2E_HOST (Postfix) with ESMTPS id QID
	for <dave@e2e.test>; DATE
$(e2e_tls13)
EOF
		# The message as sent, without the forged X-TLS-Info.
		e2e_headers "$D/inbound.eml" | grep -v '^X-TLS-Info:'
	} >"$W/exp.3"
	e2e_headers "$f" >"$W/got.3"
	e2e_expect "$name: unchanged but for the TLS header" "$W/exp.3" "$W/got.3"
}

# --- 4. local submission: sendmail -C DIR as an ordinary user. No TLS
# header: there was no SMTP session (include/params.h).
c4() {
	name="local sendmail"
	runuser -u nobody -- /usr/sbin/sendmail -C "$W/etc" -t \
	    <"$D/local.eml" >>"$W/sendmail.log" 2>&1 ||
	    { fail "$name: accepted" "$(cat "$W/sendmail.log")"; return; }
	e2e_wait_mail erin 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg erin)
	cat >"$W/exp.4" <<EOF
Return-Path: <nobody@e2e.test>
X-Original-To: erin@remote.test
Delivered-To: erin@remote.test
Received: by $E2E_HOST (Postfix)
	id QID; DATE
To: erin@remote.test
Subject: cron report
Message-ID: <20261123100000.GA1234@e2e.test>
Date: DATE
From: nobody <nobody@e2e.test>
EOF
	e2e_headers "$f" >"$W/got.4"
	e2e_expect "$name: User-Agent, X-Mailer, from userid gone" \
	    "$W/exp.4" "$W/got.4"
}

# --- 5. two hops: content filter re-injection; the milter on hop 2
# scrubs hop 1's Received with init/postfix/reinject.rules.
c5() {
	name="two-hop re-injection"
	e2e_swaks_sub $P_HOP1 frank "$(data_for frank)" --tls ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail frank 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg frank)
	{
		cat <<EOF
Return-Path: <alice@e2e.test>
X-Original-To: frank@remote.test
Delivered-To: frank@remote.test
Received: from $E2E_HOST (localhost [127.0.0.1])
	by $E2E_HOST (Postfix) with ESMTP id QID
	for <frank@remote.test>; DATE
Received: by $E2E_HOST (Postfix) id QID
	for <frank@remote.test>; DATE
EOF
		expected_submission frank "$(e2e_tls13)" | sed 1,5d
	} >"$W/exp.5"
	e2e_headers "$f" >"$W/got.5"
	e2e_expect "$name: hop 1 Received scrubbed on hop 2" \
	    "$W/exp.5" "$W/got.5"
	# The milter on hop 2 did it, with the recipe's rule.
	if grep -q 'rules=.*reinject\.rules:' "$W/milter.log"; then
		ok "$name: scrubbed by the milter (reinject.rules)"
	else
		fail "$name: scrubbed by the milter (reinject.rules)" \
		    "$(grep -v reload "$W/milter.log" | tail -5)"
	fi
	# Hop 2's own Received names only the loopback re-injection.
	sed -n '4,6d;p' "$W/got.5" >"$W/got.5b"
	check_scrubbed "$name" "$W/got.5b"
}

# --- 6. milter down: 4xx, nothing delivered; up again: the retry is
# delivered scrubbed.
c6() {
	name="milter stopped"
	e2e_milter_stop
	if e2e_swaks_sub $P_SUB gina "$(data_for gina)" --tls; then
		fail "$name: client gets 4xx" "$(tail -5 "$W/swaks.log")"
	elif tail -20 "$W/swaks.log" | grep -q '^<\*\* *4[0-9][0-9] '; then
		ok "$name: client gets 4xx"
	else
		fail "$name: client gets 4xx" "$(tail -5 "$W/swaks.log")"
	fi
	sleep 1
	if [ "$(e2e_count gina)" -eq 0 ] &&
	    ! postqueue -c "$W/etc" -p | grep -q gina; then
		ok "$name: nothing delivered or queued"
	else
		fail "$name: nothing delivered or queued"
	fi
	e2e_milter_start || { fail "$name: milter restarts"; return; }
	e2e_swaks_sub $P_SUB gina "$W/gina.eml" --tls ||
	    { fail "$name: retry accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail gina 1 || { fail "$name: retry delivered"; return; }
	expected_submission gina "$(e2e_tls13)" >"$W/exp.6"
	e2e_headers "$(e2e_msg gina)" >"$W/got.6"
	e2e_expect "$name: retry delivered scrubbed" "$W/exp.6" "$W/got.6"
}

# --- 7. a header block of over 100 KiB: long To, Cc and References.
# Postfix itself re-folds address headers of local clients
# (local_header_rewrite_clients) and stops at header_address_token_limit
# (10240 tokens); with any milter attached it also cut a single 70 KB header
# to about 60 KB here (measured with a no-op libmilter milter too), so
# each header stays below those limits. The milter must pass every header
# (each one packet, more than 64 KiB in all) and leave them alone.
# Compared unfolded, white space collapsed.
c7() {
	local name f i sz
	name="100 KiB header"
	{
		printf 'Message-ID: <big@e2e.test>\n'
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0100\n'
		printf 'From: Alice <alice@e2e.test>\n'
		printf 'To: henry@remote.test'
		for i in $(seq -w 0 999); do
			printf ',\n to-member%s@remote.test' "$i"
		done
		printf '\nCc: cc-member0@remote.test'
		for i in $(seq -w 1 999); do
			printf ',\n cc-member%s@remote.test' "$i"
		done
		printf '\nReferences:'
		for i in $(seq -w 0 1399); do
			printf '\n <thread-%s.abcdef0123@e2e.test>' "$i"
		done
		printf '\nSubject: big\nUser-Agent: Thunderbird/115.5.0\n\nbody\n'
	} >"$W/big.eml"
	e2e_swaks_sub $P_SUB henry "$W/big.eml" --tls ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail henry 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg henry)
	sz=$(sed -e '/^$/,$d' "$W/big.eml" | wc -c)
	# Everything but the User-Agent arrives.
	sed -e '/^$/,$d' "$W/big.eml" | grep -v '^User-Agent:' | unfold >"$W/exp.7"
	sed -e '/^$/,$d' "$f" | sed -n '/^Message-ID:/,$p' | unfold >"$W/got.7"
	if [ "$sz" -gt 102400 ] && cmp -s "$W/exp.7" "$W/got.7"; then
		ok "$name: $sz octets of headers delivered intact"
	else
		fail "$name: $sz octets of headers delivered intact" \
		    "$(diff "$W/exp.7" "$W/got.7" | cut -c1-200 | head -6)"
	fi
}

# unfold - one line per header, runs of white space as one space
unfold() {
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); cur = cur $0; next }
	    { if (NR > 1) print cur; cur = $0 } END { print cur }' |
	    sed -E 's/[ \t]+/ /g'
}

# --- 8. SIGHUP while mail flows: every message delivered, scrubbed
c8() {
	name="SIGHUP under load"
	n=30
	data=$(data_for ivan)
	(
		j=0
		while [ $j -lt $n ]; do
			e2e_swaks_sub $P_SUB ivan "$data" --tls &
			j=$((j + 1))
			[ $((j % 3)) = 0 ] && wait
		done
		wait
	) &
	load=$!
	hups=0
	while kill -0 $load 2>/dev/null; do
		kill -HUP "$E2E_MILTER_PID" && hups=$((hups + 1))
		sleep 0.2
	done
	wait $load
	e2e_wait_mail ivan $n 30
	got=$(e2e_count ivan)
	bad=$(grep -l -E '^(User-Agent|X-Originating-IP):|u7734x|127\.0\.0\.1' \
	    "$W/mail/ivan/new/"* 2>/dev/null | wc -l)
	# Reloads are merged, so fewer generations than SIGHUPs; but every
	# reload must succeed (the child re-reads the files as nobody).
	gens=$(grep -c 'reload: generation [0-9]*, ' "$W/milter.log")
	rfail=$(grep -c 'reload failed' "$W/milter.log")
	if [ "$got" -eq $n ] && [ "$bad" -eq 0 ] && [ $hups -gt 2 ] &&
	    [ "$gens" -ge 1 ] && [ "$rfail" -eq 0 ] &&
	    kill -0 "$E2E_MILTER_PID"; then
		ok "$name: $n of $n delivered scrubbed across $hups SIGHUPs ($gens reloads, 0 failed)"
	else
		fail "$name: $n delivered scrubbed across reloads" \
		    "delivered $got, unscrubbed $bad, SIGHUPs $hups, reloads $gens, failed $rfail" \
		    "$(grep -c '^<\*\* *4' "$W/swaks.log") 4xx in swaks.log" \
		    "$(grep 'reload' "$W/milter.log" | tail -n 3)"
	fi
}

# --- 9. milter order (README "DKIM"): a milter listed after ours, as a
# DKIM signer would be, sees the scrubbed headers and our TLS header. The
# second milter is another privacy-milter whose rules only log.
c9() {
	local name d pid
	name="milter order"
	d=$W/spool/second
	mkdir -p "$d"
	chown nobody:postfix "$d"
	chmod 750 "$d"
	printf '%s\n' 'log User-Agent' 'log X-Originating-IP' 'log X-TLS-Info' \
	    >"$W/second.rules"
	printf '%s\n' "Socket unix:$d/second.sock" "PidFile $d/second.pid" \
	    'UserID nobody' 'SocketGroup postfix' 'TLSHeader no' 'LogLevel 2' \
	    "RulesFile $W/second.rules" >"$W/second.conf"
	"$PM_BIN" -f -c "$W/second.conf" >"$W/second.log" 2>&1 &
	pid=$!
	e2e_wait_file "$d/second.sock" ||
	    { fail "$name: second milter starts" "$(cat "$W/second.log")"; return; }
	e2e_swaks_sub $P_ORDER judy "$(data_for judy)" --tls ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; kill $pid; return; }
	e2e_wait_mail judy 1 || { fail "$name: delivered"; kill $pid; return; }
	kill $pid
	wait $pid
	grep 'log: header .* matched' "$W/second.log" |
	    sed 's/^[^:]*: [^:]*: //' >"$W/got.9"
	printf '%s\n' 'log: header X-TLS-Info matched (second.rules:3)' >"$W/exp.9"
	e2e_expect "$name: the next milter sees only the scrubbed headers" \
	    "$W/exp.9" "$W/got.9"
}

# --- 10. TLS 1.2: Postfix sends the OpenSSL cipher name
# (ECDHE-RSA-AES128-GCM-SHA256); the header carries the IANA name.
c10() {
	local name f
	name="submission TLS 1.2"
	e2e_swaks_sub $P_SUB kim "$(data_for kim)" --tls --tls-protocol tlsv1_2 \
	    --tls-cipher ECDHE-RSA-AES128-GCM-SHA256 ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail kim 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg kim)
	expected_submission kim "X-TLS-Info: $E2E_HOST; version=TLSv1.2;
	cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; bits=128; pfs=yes;
	client-cert=none" >"$W/exp.10"
	e2e_headers "$f" >"$W/got.10"
	e2e_expect "$name: IANA cipher name in the TLS header" \
	    "$W/exp.10" "$W/got.10"
}

# --- 11. two hops with XFORWARD: hop 2's own Received would name the
# original client (XFORWARD passes its name, address and HELO), which no
# milter sees; cleanup_submit on the re-injection smtpd rewrites it.
c11() {
	local name f
	name="two-hop re-injection with XFORWARD"
	e2e_swaks_sub $P_XHOP1 lee "$(data_for lee)" --tls ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail lee 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg lee)
	{
		cat <<EOF
Return-Path: <alice@e2e.test>
X-Original-To: lee@remote.test
Delivered-To: lee@remote.test
Received: by $E2E_HOST (Postfix) id QID
	for <lee@remote.test>; DATE
EOF
		expected_submission lee "$(e2e_tls13)" | sed 1,3d
	} >"$W/exp.11"
	e2e_headers "$f" >"$W/got.11"
	e2e_expect "$name: both hops' Received scrubbed" "$W/exp.11" "$W/got.11"
	check_scrubbed "$name" "$W/got.11"
}

# --- 12. one message to two recipients: Postfix writes no "for" clause,
# and the hop's Received ends "id QID;" with the date folded below, in both
# forms (3.10's own and the companion table's).
c12() {
	local name f
	name="submission to two recipients"
	swaks --server "127.0.0.1:$P_SUB" --ehlo laptop.home.lan -au u7734x \
	    -ap s3cret --from alice@e2e.test --to mia@remote.test,nora@remote.test \
	    --data "@$(data_for mia)" --tls >>"$W/swaks.log" 2>&1 ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	e2e_wait_mail nora 1 || { fail "$name: delivered"; return; }
	f=$(e2e_msg nora)
	printf '%s\n' "Received: by $E2E_HOST (Postfix) id QID;" "	DATE" >"$W/exp.12"
	e2e_headers "$f" | sed -n '/^Received:/{N;p;q}' >"$W/got.12"
	e2e_expect "$name: Received by HOST (Postfix) id QID; DATE" \
	    "$W/exp.12" "$W/got.12"
	own_received "$name" "$f"
}

c1
c2
c3
c4
c5
c6
c7
c8
c9
c10
c11
c12

# The log (LogLevel 2: one line per message) holds no removed value.
if grep -n -E 'laptop|192\.168\.1\.5|95\.91\.1\.2|u7734x|Thunderbird|NeoMutt|cron-mailer' \
    "$W/milter.log" >"$W/hits"; then
	fail "milter log holds no removed value" "$(head -3 "$W/hits")"
elif [ "$(grep -c 'rules=' "$W/milter.log")" -lt 10 ]; then
	fail "milter log holds no removed value" "no per-message lines"
else
	ok "milter log holds no removed value"
fi
if [ "$E2E_FAIL" -gt 0 ] && [ "${PM_E2E_VERBOSE:-1}" = 1 ]; then
	say "# --- maillog (tail)"
	tail -n 30 "$W/maillog" | sed 's/^/# /'
	say "# --- milter log (tail)"
	tail -n 30 "$W/milter.log" | sed 's/^/# /'
fi
e2e_finish
