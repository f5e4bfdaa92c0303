#!/bin/sh
# tests/milter/scrub.sh -- the real binary with the default rules over a unix
# socket: authenticated submission over TLS 1.3 and 1.2, TLS macros at the
# second EHLO or at MAIL, plain-text inbound, a forged TLS header, local
# submission (127.0.0.1 port 0), a DKIM-signed header. scrub.lua asserts the
# exact header operations; this script asserts the log lines.
. "$(dirname "$0")/lib.sh"

echo "checks: scrubbing and TLS tagging of typical sessions (scrub.lua)"
start_milter
lua "$PM_SRCDIR/tests/milter/scrub.lua" || fail "scrub.lua"

echo "checks: one log line per message, no removed value in the log"
grep -q 'SUB13: changed=1 removed=1 inserted=1 added=0 logged=0 dkim-skipped=0 rules=default.rules:[0-9]*,default.rules:[0-9]*,default.rules:[0-9]* tls=TLSv1.3/TLS_AES_256_GCM_SHA384 auth=yes local=no$' "$LOG" ||
    fail "log line of SUB13"
ok "SUB13 logged with counts, rule ids and TLS summary"
# The Received change is a continue chain: the log names every rule of it
# (the from-clause redact and the later one), the removal's rule, each once.
ids=$(sed -n 's/.*SUB13: .* rules=\([^ ]*\) .*/\1/p' "$LOG" | tr ',' '\n')
[ "$(printf '%s\n' "$ids" | sort -u | wc -l)" -eq 3 ] ||
    fail "SUB13 rule ids not distinct: $ids"
ok "SUB13 names each rule of the Received chain once"
grep -q 'LOCAL1: changed=1 removed=1 inserted=0 .* tls=none auth=no local=yes$' "$LOG" ||
    fail "log line of LOCAL1"
ok "LOCAL1 logged as a local submission"
grep -q 'DKIM1: dkim-signed: not editing the header User-Agent' "$LOG" ||
    fail "DKIM skip not logged"
ok "DKIM skip logged"
for v in 95.91.1.2 ip5b.dyn.example.net Thunderbird Mutt alice; do
	if grep -q "$v" "$LOG"; then
		fail "the log contains the removed value \"$v\""
	fi
done
ok "no removed value (address, host, client, login) in the log"

stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC after SIGTERM"
ok "exit 0 after SIGTERM"
echo "PASS"
