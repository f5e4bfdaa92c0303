#!/bin/bash
# tests/e2e/forward.sh -- forwarded mail is left alone, end to end
#
# NAME
#	forward.sh - Sieve redirect, Sieve vacation, .forward (address and
#	pipe to sendmail) of received mail pass unchanged; a user's own
#	sendmail submission is still scrubbed
# DESCRIPTION
#	A forward re-injects received mail with the sendmail command, which
#	Postfix shows the milter as a local submission (127.0.0.1, port 0,
#	no login): the signature of a user's own mail(1). README promises
#	inbound mail "exactly as it came", so the shipped rules must tell
#	the two apart (the "forwarded" condition: X-Sieve-Redirected-From,
#	Delivered-To, X-Original-To or a top Resent-* block; rules say
#	"when submitted").
#
#	One private Postfix instance as in postfix.sh (init/postfix/
#	snippets, the shipped rules/default.rules, milter on smtpd and
#	pickup), plus a private Dovecot (e2e_dovecot lmtp): Postfix delivers
#	alice@e2e.test over LMTP (unix socket) to Dovecot, which stores to a
#	maildir and runs alice's Sieve script (Pigeonhole); Dovecot sends
#	redirects and vacation replies through sendmail -C (the wrapper
#	$W/sendmail, which keeps a copy of what it was given). Other
#	mailboxes are virtual(8) maildirs. Inbound mail comes from "the
#	internet": swaks, unauthenticated, STARTTLS, to the MX port,
#	carrying a third party's Received headers, User-Agent, X-Mailer,
#	X-Originating-IP and a DKIM-Signature.
#
#	Cases (headers compared exactly, queue ids and dates normalised):
#	1. redirect: alice's script redirects (and keeps); the copy Dovecot
#	   stored, what Pigeonhole handed to sendmail, and what frank
#	   receives: Pigeonhole's two headers on top of the stored copy
#	   (less Return-Path), below them only Postfix's own hop.
#	2. vacation: alice's script (now "vacation") answers; the reply
#	   arrives as Pigeonhole wrote it (Auto-Submitted: auto-replied).
#	3. .forward: (a) an address: Postfix local(8) forwards without
#	   any milter (src/local/forward.c: FORWARD_CLEANUP_FLAGS lacks
#	   CLEANUP_FLAG_MILTER, and internal_mail_filter_classes has no
#	   class for forwarded mail; seen here on Postfix 3.7 and 3.10):
#	   the copy arrives as stored and the milter logs no line for the
#	   forwarded queue file ("forwarded as QID" in the maillog); (b) a
#	   pipe to sendmail, what procmail's "! address" and maildrop's "to
#	   !address" do: local(8) gives the command a "From " line,
#	   Return-Path, X-Original-To and Delivered-To; Postfix's sendmail
#	   drops the "From " line, cleanup the Return-Path
#	   (message_drop_headers); the rest must pass unchanged.
#	4. a user's own sendmail -t (as nobody) with a LAN Received,
#	   User-Agent and X-Mailer IS scrubbed (as postfix.sh case 4).
#	5. the milter log: one line per message that passed it (8: four
#	   inbound, three forwards through pickup, one own submission), each
#	   line exact: "changed=0 removed=0 inserted=0 ..." for the three
#	   forwards, only the TLS header inserted for the inbound ones.
#
#	What Pigeonhole adds (for the docs; measured here):
#	                  Debian 12                 Debian 13
#	    Dovecot       2.3.19.1                  2.4.1-4
#	    Pigeonhole    0.5.19 (4eae2f79)         2.4.1-4 (0a86619f)
#	  Redirect: removes Return-Path and prepends, above LMTP's
#	  Delivered-To and Received,
#	    X-Sieve: Pigeonhole Sieve 0.5.19 (4eae2f79)     (Debian 12)
#	    X-Sieve: Pigeonhole Sieve 2.4.1-4 (0a86619f)    (Debian 13)
#	    X-Sieve-Redirected-From: alice@e2e.test
#	  (its two lines end in CRLF, the stored header below them in LF,
#	  as stored); sendmail arguments "-i -f <original sender> --
#	  <address>".
#	  Vacation (both releases, CRLF line ends):
#	    X-Sieve: Pigeonhole Sieve ...
#	    Message-ID: <dovecot-sieve-SECONDS-MICROSECONDS-N@HOST>
#	    Date, From: <alice@e2e.test>, To: Erik <erik@remote.test>,
#	    Subject: Auto: <original subject>, In-Reply-To, References,
#	    Auto-Submitted: auto-replied (vacation), Precedence: bulk,
#	    X-Auto-Response-Suppress: All, MIME-Version: 1.0,
#	    Content-Type: text/plain; charset=utf-8,
#	    Content-Transfer-Encoding: 8bit
#	  where HOST is the machine's host name on 2.3 and Dovecot's
#	  "hostname" setting on 2.4; sendmail arguments "-i -f <> --
#	  <sender>". Dovecot LMTP (both): Return-Path, "Delivered-To:
#	  alice@e2e.test", "Received: from <LHLO name> by <hostname> with LMTP
#	  id <session id> (envelope-from <sender>) for <rcpt>; <date>". The
#	  expected X-Sieve is read from the installed libdovecot-sieve.so.
#
#	With the rules of version 0.1 (every rule "when authenticated or
#	local") cases 1 and 3b fail: the milter scrubs the forwards. Two
#	more things changed them then, and are the reason for two decisions
#	this test holds: the milter deleted our own inbound TLS header as
#	forged (it carries our authserv-id; forwarded mail now keeps it),
#	and pickup shared cleanup_submit, whose header_checks rewrite every
#	Postfix Received with a from clause, third parties' included (pickup
#	now has cleanup_pickup, whose table only drops "from userid N").
#
#	Exit 77 when not root, PM_E2E=0, or postfix, postfix-pcre, dovecot,
#	dovecot-lmtpd, dovecot-sieve, swaks or openssl are missing; 99 when
#	the harness cannot start. PM_E2E_KEEP=1 keeps the work directory.
#	Runs in about 15 seconds.

. "$(dirname "$0")/lib.sh"

e2e_require postfix postmap swaks dovecot doveadm openssl runuser
grep -qs '^pcre[[:space:]]' /etc/postfix/dynamicmaps.cf \
    /etc/postfix/dynamicmaps.cf.d/* ||
    { say "SKIP: postfix-pcre not installed"; exit 77; }
[ -x /usr/lib/dovecot/lmtp ] ||
    { say "SKIP: dovecot-lmtpd not installed"; exit 77; }
SIEVE_LIB=$(ls /usr/lib/dovecot/libdovecot-sieve.so.* 2>/dev/null | head -1)
[ -f /usr/lib/dovecot/modules/lib90_sieve_plugin.so ] && [ -n "$SIEVE_LIB" ] ||
    { say "SKIP: dovecot-sieve not installed"; exit 77; }
[ -x "$PM_BIN" ] || { say "SKIP: $PM_BIN not built"; exit 77; }

# The installed Pigeonhole's X-Sieve value, e.g. "Pigeonhole Sieve 0.5.19
# (4eae2f79)".
XSIEVE=$(grep -ao 'Pigeonhole Sieve [0-9][^()]* ([0-9a-f]*)' "$SIEVE_LIB" |
    head -1)
[ -n "$XSIEVE" ] || { say "no Pigeonhole version in $SIEVE_LIB"; exit 99; }

D=$top_srcdir/tests/e2e/data
E2E_BOXES="alice frank erik gina henry ivan"
e2e_workdir
# P_SUB: the snippet's submission service (unused here).
e2e_ports 2
P_MX=$P1 P_SUB=$P2

e2e_certs
e2e_dovecot lmtp
e2e_postfix_config
# alice lives in Dovecot (LMTP); nobody@shell.test is a local(8) user
# whose .forward files live in $W/forward (forward_path: nothing in the
# system account's home).
fp=$W/forward/.forward
printf '/^alice@e2e\\.test$/\tlmtp:unix:private/dovecot-lmtp\n' \
    >"$W/etc/transport.pcre"
postconf -c "$W/etc" -e \
    "transport_maps = pcre:$W/etc/transport.pcre" \
    "mydestination = shell.test" \
    "recipient_delimiter = +" \
    "forward_path = $fp\${recipient_delimiter}\${extension}, $fp"
mkdir -p "$W/forward"
printf 'henry@remote.test\n' >"$W/forward/.forward"
printf '"|%s -i -- gina@remote.test"\n' "$W/sendmail" \
    >"$W/forward/.forward+pipe"
chown nobody:nogroup "$W/forward" "$W/forward"/.forward*
chmod 644 "$W/forward"/.forward*
e2e_milter_conf "LogLevel 2"
e2e_milter_start || exit 99
e2e_postfix_start $P_MX

# inbound TO MSGID - the message from the internet, to TO; MSGID tells
# the copies apart
inbound() {
	sed -e "s/^To: alice@e2e\\.test\$/To: $1/" \
	    -e "s/for alice@e2e\\.test;/for $1;/" \
	    -e "s/for <alice@e2e\\.test>;/for <$1>;/" \
	    -e "s/^Message-ID: <b7c1d8e2-/Message-ID: <$2-/" \
	    "$D/fwd-inbound.eml" >"$W/in-$2.eml"
	swaks --server "127.0.0.1:$P_MX" --ehlo mail-out.remote.test --tls \
	    --from erik@remote.test --to "$1" --data "@$W/in-$2.eml" \
	    >"$W/swaks-$2.log" 2>&1 || return 1
	IN_QIDS="$IN_QIDS $(sed -n 's/.* Ok: queued as \([0-9A-Za-z]*\).*/\1/p' \
	    "$W/swaks-$2.log")"
}
IN_QIDS=

# received_mx TO - the MX's own Received and our TLS header, as stored
received_mx() {
	cat <<EOF
Received: from mail-out.remote.test (localhost [127.0.0.1])
	(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
	 key-exchange $(e2e_kx) server-signature RSA-PSS (2048 bits) server-digest SHA256)
	(No client certificate requested)
	by $E2E_HOST (Postfix) with ESMTPS id QID
	for <$1>; DATE
$(e2e_tls13)
EOF
}

# hop BOX SENDER - what Postfix adds delivering a pickup message to BOX
hop() {
	cat <<EOF
Return-Path: <$2>
X-Original-To: $1@remote.test
Delivered-To: $1@remote.test
Received: by $E2E_HOST (Postfix)
	id QID; DATE
EOF
}

# fwd_norm - e2e_norm; Pigeonhole's Message-ID (its counters, and the host:
# the machine's name with Dovecot 2.3, the hostname setting with 2.4); the
# date of the "From " line local(8) gives a command
fwd_norm() {
	e2e_norm | sed -E \
	    -e 's/<dovecot-sieve-[0-9-]+@[^>]*>/<dovecot-sieve-N@HOST>/' \
	    -e 's/^(From [^ ]+  )[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$/\1DATE/'
}

# headers FILE - the header block, normalised; CRLF read as LF (Pigeonhole
# writes its vacation reply and its own redirect headers with CRLF)
headers() {
	sed -e 's/\r$//' -e '/^$/,$d' "$1" | fwd_norm
}

# rid PREFIX - "default.rules:N" of the rule whose line starts with PREFIX
rid() {
	awk -v p="$1" 'index($0, p) == 1 { print "default.rules:" NR; exit }' \
	    "$W/default.rules"
}

# sieve USER SCRIPT - install USER's active script (recompiled)
sieve() {
	rm -f "$W/sieve/$1.svbin"
	printf '%s\n' "$2" >"$W/sieve/$1.sieve"
	chmod 644 "$W/sieve/$1.sieve"
}

# args NAME RCPT EXPECTED - the arguments the sendmail command was given
args() {
	printf '%s\n' "$3" >"$W/exp.args"
	e2e_expect "$1" "$W/exp.args" "$W/sent/$2.args"
}

# milter_line NAME FILE EXPECTED - the milter's one line for FILE's queue id
milter_line() {
	local q
	q=$(e2e_qid "$2")
	[ -n "$q" ] || q=NO-QUEUE-ID
	e2e_milter_line "$q" | sed "s/^$q:/QID:/" >"$W/got.log"
	printf '%s\n' "$3" >"$W/exp.log"
	e2e_expect "$1" "$W/exp.log" "$W/got.log"
}

# log_line CHANGED REMOVED INSERTED RULES TLS AUTH LOCAL - the milter's line
log_line() {
	printf 'QID: changed=%s removed=%s inserted=%s added=0 logged=0 dkim-skipped=0 rules=%s tls=%s auth=%s local=%s\n' \
	    "$@"
}
FWD_LOG=$(log_line 0 0 0 none none no yes)
IN_LOG=$(log_line 0 0 1 none TLSv1.3/TLS_AES_256_GCM_SHA384 no no)

# --- 1. Sieve redirect
c1() {
	local name stored sent got
	name="sieve redirect"
	sieve alice "$(printf '%s\n' 'redirect "frank@remote.test";' 'keep;')"
	inbound alice@e2e.test redirect ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks-redirect.log")"; return; }
	e2e_wait_mail alice 1 && e2e_wait_mail frank 1 ||
	    { fail "$name: delivered"; return; }
	stored=$(e2e_msg alice) got=$(e2e_msg frank)
	sent=$W/sent/frank@remote.test
	# What Dovecot stored: LMTP's trace on top of the MX's.
	{
		cat <<EOF
Return-Path: <erik@remote.test>
Delivered-To: alice@e2e.test
Received: from $E2E_HOST
	by $E2E_HOST with LMTP
	id QID
	(envelope-from <erik@remote.test>)
	for <alice@e2e.test>; DATE
EOF
		received_mx alice@e2e.test
		headers "$W/in-redirect.eml"
	} >"$W/exp.1a"
	headers "$stored" >"$W/got.1a"
	e2e_expect "$name: stored by Dovecot" "$W/exp.1a" "$W/got.1a"
	# What Pigeonhole sent: its two headers, the stored copy less
	# Return-Path.
	{
		printf 'X-Sieve: %s\n' "$XSIEVE"
		printf 'X-Sieve-Redirected-From: alice@e2e.test\n'
		sed 1d "$W/got.1a"
	} >"$W/exp.1b"
	headers "$sent" >"$W/got.1b"
	e2e_expect "$name: Pigeonhole adds X-Sieve, X-Sieve-Redirected-From" \
	    "$W/exp.1b" "$W/got.1b"
	args "$name: sent with sendmail, the original sender" \
	    frank@remote.test "-i -f erik@remote.test -- frank@remote.test"
	# What arrived: exactly that, below Postfix's own hop.
	{
		hop frank erik@remote.test
		cat "$W/exp.1b"
	} >"$W/exp.1c"
	headers "$got" >"$W/got.1c"
	e2e_expect "$name: arrives with every header as stored" \
	    "$W/exp.1c" "$W/got.1c"
	milter_line "$name: milter log" "$got" "$FWD_LOG"
}

# expected_vacation - the reply as Pigeonhole writes it
expected_vacation() {
	cat <<EOF
X-Sieve: $XSIEVE
Message-ID: <dovecot-sieve-N@HOST>
Date: DATE
From: <alice@e2e.test>
To: Erik <erik@remote.test>
Subject: Auto: Hallo aus Hamburg
In-Reply-To: <vacation-3f4a-4b5c-8d6e-7f8091a2b3c4@remote.test>
References: <vacation-3f4a-4b5c-8d6e-7f8091a2b3c4@remote.test>
Auto-Submitted: auto-replied (vacation)
Precedence: bulk
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
EOF
}

# --- 2. Sieve vacation
c2() {
	local name got
	name="sieve vacation"
	sieve alice "$(printf '%s\n' 'require "vacation";' \
	    'vacation :days 1 "Ich bin bis 30. November im Urlaub.";')"
	inbound alice@e2e.test vacation ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks-vacation.log")"; return; }
	e2e_wait_mail alice 2 && e2e_wait_mail erik 1 ||
	    { fail "$name: delivered"; return; }
	got=$(e2e_msg erik)
	expected_vacation >"$W/exp.2a"
	headers "$W/sent/erik@remote.test" >"$W/got.2a"
	e2e_expect "$name: the reply Pigeonhole sent" "$W/exp.2a" "$W/got.2a"
	args "$name: sent with sendmail, null sender" erik@remote.test \
	    "-i -f <> -- erik@remote.test"
	{
		hop erik ""
		cat "$W/exp.2a"
	} >"$W/exp.2b"
	headers "$got" >"$W/got.2b"
	e2e_expect "$name: arrives unchanged" "$W/exp.2b" "$W/got.2b"
	milter_line "$name: milter log" "$got" "$FWD_LOG"
}

# --- 3a. .forward with an address: local(8) forwards, no milter
c3a() {
	local name got q
	name=".forward to an address"
	inbound nobody@shell.test dotforward ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks-dotforward.log")"; return; }
	e2e_wait_mail henry 1 || { fail "$name: delivered"; return; }
	got=$(e2e_msg henry)
	{
		cat <<EOF
Return-Path: <erik@remote.test>
X-Original-To: nobody@shell.test
Delivered-To: henry@remote.test
Received: by $E2E_HOST (Postfix)
	id QID; DATE
Delivered-To: nobody@shell.test
EOF
		received_mx nobody@shell.test
		headers "$W/in-dotforward.eml"
	} >"$W/exp.3a"
	headers "$got" >"$W/got.3a"
	e2e_expect "$name: arrives as stored" "$W/exp.3a" "$W/got.3a"
	q=$(e2e_qid "$got")
	if grep -q "status=sent (forwarded as $q)" "$W/maillog" &&
	    [ -z "$(e2e_milter_line "$q")" ]; then
		ok "$name: local(8) forwards without the milter"
	else
		fail "$name: local(8) forwards without the milter" \
		    "queue id $q" "$(grep "$q" "$W/maillog" "$W/milter.log")"
	fi
}

# --- 3b. .forward with a pipe to sendmail (procmail's "! address")
c3b() {
	local name got
	name=".forward pipe to sendmail"
	inbound nobody+pipe@shell.test pipe ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks-pipe.log")"; return; }
	e2e_wait_mail gina 1 || { fail "$name: delivered"; return; }
	got=$(e2e_msg gina)
	{
		cat <<EOF
From erik@remote.test  DATE
Return-Path: <erik@remote.test>
X-Original-To: nobody+pipe@shell.test
Delivered-To: nobody+pipe@shell.test
EOF
		received_mx nobody+pipe@shell.test
		headers "$W/in-pipe.eml"
	} >"$W/exp.3b"
	headers "$W/sent/gina@remote.test" >"$W/got.3b"
	e2e_expect "$name: local(8) prepends its delivery headers" \
	    "$W/exp.3b" "$W/got.3b"
	# Postfix's sendmail drops the "From " line, its cleanup the
	# Return-Path (message_drop_headers).
	{
		hop gina nobody@e2e.test
		sed 1,2d "$W/exp.3b"
	} >"$W/exp.3c"
	headers "$got" >"$W/got.3c"
	e2e_expect "$name: arrives with every header as stored" \
	    "$W/exp.3c" "$W/got.3c"
	milter_line "$name: milter log" "$got" "$FWD_LOG"
}

# --- 4. a user's own local submission is scrubbed (postfix.sh case 4)
c4() {
	local name got rules
	name="own sendmail"
	runuser -u nobody -- /usr/sbin/sendmail -C "$W/etc" -t \
	    <"$D/fwd-own.eml" >>"$W/sendmail.log" 2>&1 ||
	    { fail "$name: accepted" "$(cat "$W/sendmail.log")"; return; }
	e2e_wait_mail ivan 1 || { fail "$name: delivered"; return; }
	got=$(e2e_msg ivan)
	{
		hop ivan nobody@e2e.test
		cat <<EOF
Received: by [redacted] with esmtp (Exim 4.96)
	id 1t9XyZ-000123-AB
	for ivan@remote.test; DATE
To: ivan@remote.test
Subject: my own mail
Message-ID: <20261123100000.GB1234@e2e.test>
Date: DATE
From: nobody <nobody@e2e.test>
EOF
	} >"$W/exp.4"
	headers "$got" >"$W/got.4"
	e2e_expect "$name: LAN Received, User-Agent, X-Mailer scrubbed" \
	    "$W/exp.4" "$W/got.4"
	# The rules that did it, by their text (their lines may move).
	rules=$(rid 'redact Received /^\s*(?:from\s')
	rules=$rules,$(rid 'redact Received /\s*\((?:version=TLS')
	rules=$rules,$(rid 'redact Received /^(\s*by\s+)')
	rules=$rules,$(rid 'remove User-Agent '),$(rid 'remove X-Mailer ')
	milter_line "$name: milter log" "$got" \
	    "$(log_line 1 2 0 "$rules" none no yes)"
}

c1
c2
c3a
c3b
c4

# --- 5. one line per message that passed the milter: 4 inbound, 3
# forwards through pickup, 1 own submission (local(8)'s forward none);
# every inbound line as for any inbound message.
n=$(grep -c ' changed=' "$W/milter.log")
if [ "$n" -eq 8 ]; then
	ok "milter log: 8 lines, one per message"
else
	fail "milter log: 8 lines, one per message" "$n lines:" \
	    "$(grep ' changed=' "$W/milter.log")"
fi
for q in $IN_QIDS; do
	e2e_milter_line "$q" | sed "s/^$q:/QID:/"
done >"$W/got.5"
printf '%s\n' "$IN_LOG" "$IN_LOG" "$IN_LOG" "$IN_LOG" >"$W/exp.5"
e2e_expect "milter log: inbound messages only tagged" "$W/exp.5" "$W/got.5"

if [ "$E2E_FAIL" -gt 0 ] && [ "${PM_E2E_VERBOSE:-1}" = 1 ]; then
	say "# --- maillog (tail)"
	tail -n 30 "$W/maillog" | sed 's/^/# /'
	say "# --- milter log"
	grep -v reload "$W/milter.log" | tail -n 20 | sed 's/^/# /'
	say "# --- dovecot log (tail)"
	tail -n 20 "$W/dovecot/dovecot.log" | sed 's/^/# /'
fi
e2e_finish
