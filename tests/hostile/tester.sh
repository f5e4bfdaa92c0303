#!/bin/sh
# tests/hostile/tester.sh -- hostile messages through the offline tester
# (privacy-milter --test-message), each case with a bound on time, as an
# authenticated TLS submission under rules/default.rules:
#   a header value of 1 MiB (untouched, and a Received of 1 MiB to scrub),
#   10,000 headers (and 10,000 Received to scrub), NUL bytes, bare LF and
#   bare CR, 8-bit and invalid UTF-8, an empty header name, a header
#   folded 1,000 times, and a rule with catastrophic backtracking (match
#   limit -> exit 75, the rule's file:line on stderr, nothing on stdout;
#   with OnError=accept the message passes unchanged and stderr says so).
# The client address must never survive in a scrubbed header.
. "$(dirname "$0")/lib.sh"

IP=91.91.1.2
LAN=192.168.1.23

# --- 1 MiB header values --------------------------------------------------
{
	printf 'Received: from [%s] (laptop.home.lan [%s])\n\tby mail.example.org (Postfix) with ESMTPSA id 4Cx9\n\tfor <bob@example.net>; Mon, 23 Nov 2026 10:15:02 +0100\n' "$LAN" "$LAN"
	printf 'X-Big: '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf '\nUser-Agent: Thunderbird\nSubject: big\n\nbody\n'
} > "$tmp/big.eml"
hl_tester 20 "$tmp/o" "$tmp/e" "$tmp/big.eml"
hl_check "1 MiB value: exit 0 within 20 s (${secs} s)" [ "$rc" -eq 0 ]
grep -a '^X-Big: ' "$tmp/big.eml" > "$tmp/in.xbig"
grep -a '^X-Big: ' "$tmp/o" > "$tmp/out.xbig"
hl_check "1 MiB value: X-Big passed byte for byte" cmp -s "$tmp/in.xbig" "$tmp/out.xbig"
hl_check "1 MiB value: User-Agent removed" [ "$(hl_count '^User-Agent:' "$tmp/o")" -eq 0 ]
hl_check "1 MiB value: LAN address scrubbed" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ]

# A Received of 1 MiB (words, so it can be folded) with the address at the
# end of the from clause: scrubbed, or refused by the fail policy (exit 75,
# nothing passed) when a pattern hits MatchLimit; never passed unscrubbed.
mkrcv() {
	printf 'Received: from laptop.home.lan ('
	head -c "$1" /dev/zero | tr '\0' 'x' | fold -w 60 | tr '\n' ' '
	printf '[%s])\n\tby mail.example.org (Postfix) with ESMTPSA id 4Cx9; Mon, 23 Nov 2026 10:15:02 +0100\nSubject: big received\n\nbody\n' "$IP"
}
mkrcv 1048576 > "$tmp/bigrcv.eml"
hl_tester 30 "$tmp/o" "$tmp/e" "$tmp/bigrcv.eml"
hl_check "1 MiB Received: exit 0 or 75 within 30 s (got $rc, ${secs} s)" [ "$rc" -eq 0 -o "$rc" -eq 75 ]
hl_check "1 MiB Received: client address never passed" [ "$(hl_count "$IP" "$tmp/o")" -eq 0 ]
if [ "$rc" -eq 75 ]; then
	hl_check "1 MiB Received: refused, nothing on stdout" [ ! -s "$tmp/o" ]
	hl_check "1 MiB Received: refusal names a rule's file:line" grep -q '^privacy-milter: .*\.rules:[0-9]*: ' "$tmp/e"
else
	hl_check "1 MiB Received: by clause kept" [ "$(hl_count 'by mail.example.org' "$tmp/o")" -eq 1 ]
	hl_headers "$tmp/o" > "$tmp/oh"
	hl_check "1 MiB Received: no header line over 998 octets" [ "$(hl_maxline "$tmp/oh")" -le 998 ]
fi
# Postfix passes headers up to header_size_limit (100 KiB): such a header
# should be scrubbed, not refused (the MatchLimit default, 10000000, leaves
# room for a linear scan of 100 KiB; 100000 did not).
mkrcv 100000 > "$tmp/rcv100k.eml"
hl_tester 30 "$tmp/o" "$tmp/e" "$tmp/rcv100k.eml"
if [ "$rc" -eq 0 ] && [ "$(hl_count "$IP" "$tmp/o")" -eq 0 ]; then
	hl_ok "100 KiB Received: scrubbed, not refused (${secs} s)"
else
	hl_fail "100 KiB Received: scrubbed, not refused" "exit $rc: $(head -n 1 "$tmp/e")"
fi

# --- 10,000 headers ---------------------------------------------------------
awk -v ip="$LAN" 'BEGIN {
	for (i = 0; i < 10000; i++) printf "X-Header-%d: value %d\n", i, i
	print "User-Agent: Thunderbird"
	print "Subject: many"
	print ""
	print "body"
}' > "$tmp/many.eml"
hl_tester 30 "$tmp/o" "$tmp/e" "$tmp/many.eml"
hl_check "10,000 headers: exit 0 within 30 s (${secs} s)" [ "$rc" -eq 0 ]
hl_check "10,000 headers: all 10,000 kept" [ "$(hl_count '^X-Header-' "$tmp/o")" -eq 10000 ]
hl_check "10,000 headers: User-Agent after them removed" [ "$(hl_count '^User-Agent:' "$tmp/o")" -eq 0 ]

awk -v ip="$LAN" 'BEGIN {
	for (i = 0; i < 10000; i++)
		printf "Received: from [%s] (h%d.home.lan [%s])\n\tby relay%d.home.lan with ESMTP id %d\n", ip, i, ip, i, i
	print "Subject: many received"
	print ""
	print "body"
}' > "$tmp/manyrcv.eml"
hl_tester 60 "$tmp/o" "$tmp/e" "$tmp/manyrcv.eml"
hl_check "10,000 Received: exit 0 within 60 s (${secs} s)" [ "$rc" -eq 0 ]
hl_check "10,000 Received: all kept" [ "$(hl_count '^Received:' "$tmp/o")" -eq 10000 ]
hl_check "10,000 Received: no address left" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ]
hl_check "10,000 Received: 10,000 changes reported" [ "$(hl_count '^privacy-milter: change Received' "$tmp/e")" -eq 10000 ]

# --- NUL bytes -------------------------------------------------------------
printf 'Received: from [%s] (a\000b [%s])\n\tby mail.example.org with ESMTPSA id 1\nX-Nul: a\000b\nUser-Agent: Thunder\000bird\nSubject: nul\n\nbo\000dy\n' "$LAN" "$LAN" > "$tmp/nul.eml"
hl_tester 10 "$tmp/o" "$tmp/e" "$tmp/nul.eml"
hl_check "NUL bytes: exit 0 within 10 s" [ "$rc" -eq 0 ]
hl_check "NUL bytes: User-Agent removed" [ "$(hl_count '^User-Agent' "$tmp/o")" -eq 0 ]
hl_check "NUL bytes: address after a NUL scrubbed" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ]
hl_check "NUL bytes: body kept" [ "$(hl_count 'bo.dy' "$tmp/o")" -eq 1 ]

# --- bare LF / bare CR ------------------------------------------------------
printf 'Received: from [%s] (laptop [%s])\r\n\tby mail.example.org with ESMTPSA id 1\r\nUser-Agent: Thunderbird\nX-Bare-CR: one\rX-Injected: two\r\nReceived: from x ([%s])\r\tby y with ESMTPSA\r\nSubject: crlf mix\r\n\r\nbody\r\n' "$LAN" "$LAN" "$IP" > "$tmp/crlf.eml"
hl_tester 10 "$tmp/o" "$tmp/e" "$tmp/crlf.eml"
hl_check "bare LF/CR: exit 0 within 10 s" [ "$rc" -eq 0 ]
hl_check "bare LF/CR: User-Agent (LF line in CRLF message) removed" [ "$(hl_count '^User-Agent' "$tmp/o")" -eq 0 ]
hl_check "bare LF/CR: no address left" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ] 
hl_check "bare LF/CR: address after a bare CR fold scrubbed" [ "$(hl_count "$IP" "$tmp/o")" -eq 0 ]
hl_check "bare LF/CR: bare CR does not start a header" [ "$(hl_count '^X-Injected' "$tmp/o")" -eq 0 ]

# --- 8-bit and invalid UTF-8 ------------------------------------------------
printf 'Received: from [%s] (h\303\050st\377 [%s])\n\tby mail.example.org with ESMTPSA id 1\nSubject: \377\376 caf\303\251 \355\240\200\nUser-Agent: \300\257\nX-Mailer: \xf0\x28\x8c\x28\n\n\377body\n' "$LAN" "$LAN" > "$tmp/8bit.eml"
hl_tester 10 "$tmp/o" "$tmp/e" "$tmp/8bit.eml"
hl_check "invalid UTF-8: exit 0 within 10 s" [ "$rc" -eq 0 ]
hl_check "invalid UTF-8: address scrubbed" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ]
hl_check "invalid UTF-8: User-Agent and X-Mailer removed" [ "$(hl_count '^\(User-Agent\|X-Mailer\)' "$tmp/o")" -eq 0 ]
grep -a '^Subject' "$tmp/8bit.eml" > "$tmp/in.subj"
grep -a '^Subject' "$tmp/o" > "$tmp/out.subj"
hl_check "invalid UTF-8: Subject passed byte for byte" cmp -s "$tmp/in.subj" "$tmp/out.subj"

# --- empty header name ------------------------------------------------------
printf 'Received: from [%s] (x [%s])\n\tby mail.example.org with ESMTPSA id 1\n: no name\nUser-Agent: Thunderbird\n\nbody\n' "$LAN" "$LAN" > "$tmp/noname.eml"
hl_tester 10 "$tmp/o" "$tmp/e" "$tmp/noname.eml"
hl_check "empty header name: exit 0 within 10 s" [ "$rc" -eq 0 ]
hl_check "empty header name: the address before it scrubbed" [ "$(hl_count "$LAN" "$tmp/o")" -eq 0 ]
hl_check "empty header name: it ends the header section (as Postfix); the rest is body, unchanged" \
    [ "$(hl_count '^User-Agent: Thunderbird' "$tmp/o")" -eq 1 ]

# --- a header folded 1,000 times -------------------------------------------
{
	printf 'Received: from laptop.home.lan\n'
	i=0
	while [ $i -lt 1000 ]; do printf '\t(comment %d)\n' $i; i=$((i + 1)); done
	printf '\t[%s] by mail.example.org with ESMTPSA id 1; Mon, 23 Nov 2026 10:15:02 +0100\nUser-Agent: x\n' "$IP"
	printf 'X-Folded: a\n'
	i=0
	while [ $i -lt 1000 ]; do printf ' b\n'; i=$((i + 1)); done
	printf 'Subject: folded\n\nbody\n'
} > "$tmp/fold.eml"
hl_tester 20 "$tmp/o" "$tmp/e" "$tmp/fold.eml"
hl_check "folded 1,000 times: exit 0 within 20 s (${secs} s)" [ "$rc" -eq 0 ]
hl_check "folded 1,000 times: address scrubbed" [ "$(hl_count "$IP" "$tmp/o")" -eq 0 ]
hl_check "folded 1,000 times: untouched header kept with its 1,000 folds" [ "$(hl_count '^ b$' "$tmp/o")" -eq 1000 ]

# --- catastrophic backtracking ----------------------------------------------
printf '# a pattern that backtracks exponentially\nredact X-Evil /(a+)+$/ with "x"\n' > "$tmp/evil.rules"
{
	printf 'Received: from [%s] (x [%s])\n\tby mail.example.org with ESMTPSA id 1\nX-Evil: ' "$LAN" "$LAN"
	head -c 64 /dev/zero | tr '\0' 'a'
	printf 'b\nSubject: evil\n\nbody\n'
} > "$tmp/evil.eml"
for jit in yes no; do
	hl_tester 20 "$tmp/o" "$tmp/e" "$tmp/evil.eml" -o "RulesFile=$tmp/evil.rules" -o PCREJIT=$jit
	hl_check "backtracking (JIT $jit): exit 75 (EX_TEMPFAIL) within 20 s (got $rc, ${secs} s)" [ "$rc" -eq 75 ]
	hl_check "backtracking (JIT $jit): nothing on stdout (message not passed)" [ ! -s "$tmp/o" ]
	hl_check "backtracking (JIT $jit): stderr names the rule's file:line" \
	    grep -q "^privacy-milter: $tmp/evil.rules:2: .*match limit" "$tmp/e"
done
hl_tester 20 "$tmp/o" "$tmp/e" "$tmp/evil.eml" -o "RulesFile=$tmp/evil.rules" -o OnError=accept
hl_check "backtracking, OnError=accept: exit 0" [ "$rc" -eq 0 ]
hl_check "backtracking, OnError=accept: message passed unchanged" cmp -s "$tmp/o" "$tmp/evil.eml"
hl_check "backtracking, OnError=accept: stderr names the rule and says accept" \
    grep -q "evil.rules:2: .*match limit" "$tmp/e"

hl_done
