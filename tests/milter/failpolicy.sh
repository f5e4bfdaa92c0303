#!/bin/sh
# tests/milter/failpolicy.sh -- OnError: a message the engine cannot filter
# (pseudonymize without PseudonymKeyFile) is refused with 451 4.7.0 under
# OnError tempfail (the default) and passed unchanged under OnError accept;
# either way the reason is logged with the rule's file:line.
. "$(dirname "$0")/lib.sh"
R=$T/p.rules
printf '# fail policy test\npseudonymize User-Agent /.+/ when authenticated\n' >"$R"

echo "checks: OnError tempfail (default)"
start_milter -o "RulesFile=$R"
lua "$PM_SRCDIR/tests/milter/failpolicy.lua" -D policy=tempfail || fail "tempfail"
grep -q "FAIL1: $R:2: pseudonymize needs PseudonymKeyFile; message refused (OnError=tempfail)" \
    "$LOG" || fail "tempfail not logged with file:line"
ok "logged: FAIL1: $R:2: ...; message refused (OnError=tempfail)"
stop_milter

echo "checks: OnError accept"
start_milter -o "RulesFile=$R" -o OnError=accept
lua "$PM_SRCDIR/tests/milter/failpolicy.lua" -D policy=accept || fail "accept"
grep -q "FAIL1: $R:2: pseudonymize needs PseudonymKeyFile; message passed unchanged (OnError=accept)" \
    "$LOG" || fail "accept not logged with file:line"
ok "logged: FAIL1: $R:2: ...; message passed unchanged (OnError=accept)"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
echo "PASS"
