#!/bin/sh
# tests/milter/reload.sh -- 200 SIGHUPs to the pidfile's PID while four
# miltertest clients stream messages; every 25th SIGHUP finds a broken rules
# file (swapped in atomically, restored once the failure is logged). Checks:
# zero failed sessions; the milter alive at the end; every broken file
# reported with file:line and "keeping generation N"; successful reloads
# logged with consecutive generation numbers; the last good rules in effect.
. "$(dirname "$0")/lib.sh"
L=$PM_SRCDIR/tests/milter
R=$T/r.rules
HUPS=${PM_RELOAD_HUPS:-200}
CLIENTS=4

# good VERSION - install a good rules file (atomically)
good() {
	printf '# reload test, version %s\nremove User-Agent when authenticated\nadd X-Rules-Version with "%s"\n' \
	    "$1" "$1" >"$R.tmp"
	mv "$R.tmp" "$R"
}

# broken - install a rules file with an error on line 2
broken() {
	printf '# reload test, broken\nremove User-Agent /unclosed(/\nadd X-Rules-Version with "broken"\n' \
	    >"$R.tmp"
	mv "$R.tmp" "$R"
}

good 0
start_milter -o "RulesFile=$R" -o LogLevel=1
echo "checks: $HUPS SIGHUPs under load from $CLIENTS clients"
i=1
while [ $i -le $CLIENTS ]; do
	lua "$L/reload.lua" -D "stop=$T/stop" -D "id=$i" >"$T/client$i.out" 2>&1 &
	eval "cpid$i=\$!"
	i=$((i + 1))
done
sleep 1

nbroken=0
i=1
while [ $i -le "$HUPS" ]; do
	if [ $((i % 25)) -eq 0 ]; then
		broken
		nbroken=$((nbroken + 1))
		kill -HUP "$MPID" || fail "SIGHUP $i: supervisor gone"
		wait_log 'reload failed: keeping generation' "$nbroken"
		good "$i"
	else
		good "$i"
		kill -HUP "$MPID" || fail "SIGHUP $i: supervisor gone"
		sleep 0.02
	fi
	i=$((i + 1))
done
good final
kill -HUP "$MPID"
# Let the reloads settle: no new reload line for a second.
prev=-1
while :; do
	n=$(grep -c 'reload' "$LOG")
	[ "$n" = "$prev" ] && break
	prev=$n
	sleep 1
done
touch "$T/stop"

sent=0
cfail=0
i=1
while [ $i -le $CLIENTS ]; do
	eval "wait \$cpid$i"
	rc=$?
	cat "$T/client$i.out"
	s=$(sed -n 's/^client [0-9]*: sent=\([0-9]*\) failed=[0-9]*$/\1/p' "$T/client$i.out")
	f=$(sed -n 's/^client [0-9]*: sent=[0-9]* failed=\([0-9]*\)$/\1/p' "$T/client$i.out")
	[ -n "$s" ] && [ -n "$f" ] || fail "client $i printed no figures (exit $rc)"
	sent=$((sent + s))
	cfail=$((cfail + f))
	i=$((i + 1))
done

gens=$(grep -c 'reload: generation [0-9]*, 2 rules$' "$LOG")
last=$(sed -n 's/.*reload: generation \([0-9]*\), 2 rules$/\1/p' "$LOG" | tail -n 1)
bad=$(grep -c 'reload failed: keeping generation' "$LOG")
badline=$(grep -c "reload: $R:2: " "$LOG")
echo "figures: messages sent $sent, failed sessions $cfail, SIGHUPs $((HUPS + 1)), broken files $nbroken, reloads done $gens (last generation $last), failed reloads $bad"

[ "$cfail" -eq 0 ] || fail "$cfail failed sessions"
ok "zero failed sessions out of $sent messages"
[ "$sent" -gt 0 ] || fail "no messages sent"
kill -0 "$MPID" 2>/dev/null || fail "supervisor not running"
child=$(child_pid)
[ -n "$child" ] || fail "no child"
ok "supervisor and child alive"
grep -q 'child .* restarting' "$LOG" && fail "a child crashed"
ok "no child restart"
[ "$bad" -ge "$nbroken" ] || fail "$bad failed reloads logged, $nbroken broken files"
[ "$badline" -eq "$bad" ] || fail "$bad failed reloads but $badline errors with $R:2:"
ok "every broken file reported as $R:2: ... and the old rules kept"
[ "$gens" -ge 1 ] && [ "$last" -eq $((gens + 1)) ] ||
    fail "generations: $gens reload lines, last generation $last"
seq=$(sed -n 's/.*reload: generation \([0-9]*\), 2 rules$/\1/p' "$LOG" | tr '\n' ' ')
exp=$(seq 2 $((gens + 1)) | tr '\n' ' ')
[ "$seq" = "$exp" ] || fail "generation numbers not consecutive"
ok "generations 2..$last logged, consecutive"
out=$(lua "$L/final.lua") || fail "final session: $out"
echo "$out" | grep -q '^X-Rules-Version: final$' ||
    fail "rules in effect: $(echo "$out" | grep X-Rules-Version)"
ok "the last good rules (version final) are in effect"
stop_milter
[ "$MRC" -eq 0 ] || fail "exit status $MRC"
echo "PASS"
