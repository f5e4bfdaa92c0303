#!/bin/sh
# tests/e2e/init-files.sh -- the service files are well-formed
#
# NAME
#	init-files.sh - systemd-analyze verify of privacy-milter.service,
#	syntax of the sysv script, the reload sequence the unit runs
# DESCRIPTION
#	The unit made by "make" (init/privacy-milter.service) is verified
#	with systemd-analyze (the binary path pointed at the build tree so the
#	executable exists); every Exec line's options must be ones the
#	program accepts. The sysv script must parse with sh -n. The unit is
#	never started. Exit 77 when systemd-analyze is missing or PM_E2E=0.
set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)
[ "${PM_E2E:-1}" = 0 ] && { echo "SKIP: PM_E2E=0"; exit 77; }
command -v systemd-analyze >/dev/null 2>&1 ||
    { echo "SKIP: systemd-analyze not installed"; exit 77; }
unit=$build/init/privacy-milter.service
init=$build/init/privacy-milter.init
bin=$build/privacy-milter
fail=0
n=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

[ -f "$unit" ] && [ -f "$init" ] && [ -x "$bin" ] ||
    { echo "SKIP: run make first"; exit 77; }
tmp=$(mktemp -d /tmp/pm-init.XXXXXX) || exit 99
# The child (UserID) re-reads the configuration and rules on reload, as it
# would read /etc/privacy-milter: world-readable like an installed tree.
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
sbindir=$(sed -n 's|^ExecStart=\(.*\)/privacy-milter .*|\1|p' "$unit")
sed "s|$sbindir/privacy-milter|$bin|g" "$unit" >"$tmp/privacy-milter.service"
systemd-analyze verify --man=no "$tmp/privacy-milter.service" >"$tmp/verify" 2>&1
rc=$?
# Only findings about our unit count (the host may have broken units).
grep 'privacy-milter\.service' "$tmp/verify" >"$tmp/ours"
[ $rc = 0 ] && [ ! -s "$tmp/ours" ]
t $? "systemd-analyze verify privacy-milter.service"
[ -s "$tmp/ours" ] && sed 's/^/#   /' "$tmp/ours"

for k in Type=exec KillMode=mixed NoNewPrivileges=yes ProtectSystem=strict \
    ReadWritePaths=/var/spool/postfix/privacy-milter; do
	grep -qx "$k" "$unit"
	t $? "unit sets $k"
done
# Reload: --check first, then SIGHUP to the supervisor, in that order.
sed -n 's/^ExecReload=//p' "$unit" >"$tmp/reload"
grep -q -- '--check$' "$tmp/reload" && sed -n 1p "$tmp/reload" |
    grep -q -- '--check$' && sed -n 2p "$tmp/reload" | grep -qx '/bin/kill -HUP $MAINPID'
t $? "ExecReload runs --check, then kill -HUP \$MAINPID"
# The options the unit passes exist: -f and --check with a config file.
printf 'RulesFile %s\n' "$srcdir/rules/default.rules" >"$tmp/conf"
"$bin" -c "$tmp/conf" --check >/dev/null 2>&1
t $? "privacy-milter -c CONF --check (the reload check) runs"
"$bin" -h 2>&1 | grep -q -- '^  -f '
t $? "privacy-milter knows -f (the unit's foreground mode)"

sh -n "$init"
t $? "sh -n privacy-milter.init"
grep -q '^### BEGIN INIT INFO' "$init" && grep -q '^### END INIT INFO' "$init"
t $? "LSB header present"
. "$srcdir/init/privacy-milter.default"
[ "$PRIVACY_MILTER_CONF" = /etc/privacy-milter/privacy-milter.conf ]
t $? "defaults file parses in sh"

# The sysv script for real, pointed at a private defaults file: start,
# status, reload with a broken rules file (refused, still running), reload,
# stop. As root the child drops to nobody.
if [ "$(id -u)" -eq 0 ]; then
	user=nobody
else
	user=
fi
mkdir -p "$tmp/run"
printf 'remove User-Agent when authenticated\n' >"$tmp/test.rules"
cat >"$tmp/conf" <<EOC
Socket unix:$tmp/sock/pm.sock
SocketGroup $(id -gn)
UserID $user
RulesFile $tmp/test.rules
EOC
cat >"$tmp/default" <<EOC
DAEMON=$bin
PRIVACY_MILTER_CONF=$tmp/conf
PIDFILE=$tmp/run/pm.pid
SOCKDIR=$tmp/sock
EOC
sed "s|/etc/default/\$NAME|$tmp/default|g" "$init" >"$tmp/init"
si() { sh "$tmp/init" "$@" >>"$tmp/init.log" 2>&1; }
si start
t $? "init script: start"
# The socket comes first, the pidfile after the daemon detached.
w=0
while { [ ! -S "$tmp/sock/pm.sock" ] || [ ! -s "$tmp/run/pm.pid" ]; } &&
    [ $w -lt 50 ]; do
	sleep 0.1
	w=$((w + 1))
done
pid=$(cat "$tmp/run/pm.pid" 2>/dev/null)
[ -S "$tmp/sock/pm.sock" ] && [ -n "$pid" ] && kill -0 "$pid" && si status
t $? "init script: status says running, socket and pidfile present"
printf 'remove User-Agent when bogus-condition\n' >"$tmp/test.rules"
si reload
rc=$?
[ $rc -ne 0 ] && kill -0 "$pid"
t $? "init script: reload refuses a broken rules file, daemon stays"
printf 'remove User-Agent when authenticated\n' >"$tmp/test.rules"
si reload && kill -0 "$pid"
t $? "init script: reload"
si stop
w=0
while kill -0 "$pid" 2>/dev/null && [ $w -lt 100 ]; do
	sleep 0.1
	w=$((w + 1))
done
! kill -0 "$pid" 2>/dev/null && [ ! -e "$tmp/sock/pm.sock" ] &&
    [ ! -e "$tmp/run/pm.pid" ]
t $? "init script: stop (socket and pidfile removed)"
si status
[ $? -eq 3 ]
t $? "init script: status 3 when stopped"
[ $fail = 0 ] || sed 's/^/#   /' "$tmp/init.log"

# The unit's own command lines, run as systemd would: ExecStart in the
# background (Type=exec: that process is $MAINPID), the ExecReload lines
# in order (the second only when the first succeeds), then SIGTERM to the
# main process only (KillMode=mixed) and both processes gone.
printf 'remove User-Agent when authenticated\n' >"$tmp/test.rules"
rm -rf "$tmp/sock" "$tmp/run"
mkdir -p "$tmp/sock" "$tmp/run"
printf 'PidFile %s\n' "$tmp/run/unit.pid" >>"$tmp/conf"
unitcmd() {
	sed -n "s/^$1=//p" "$tmp/privacy-milter.service" | sed -n "${2}p" |
	    sed -e "s|\${PRIVACY_MILTER_CONF}|$tmp/conf|" \
		-e 's|\$PRIVACY_MILTER_OPTS||' -e "s|\$MAINPID|$3|"
}
start=$(unitcmd ExecStart 1 "")
$start >"$tmp/unit.log" 2>&1 &
main=$!
w=0
while [ ! -S "$tmp/sock/pm.sock" ] && [ $w -lt 50 ]; do
	sleep 0.1
	w=$((w + 1))
done
[ -S "$tmp/sock/pm.sock" ] && kill -0 $main && [ "$(cat "$tmp/run/unit.pid")" = $main ]
t $? "unit ExecStart: foreground supervisor is the main process, socket up"
reload() {
	$(unitcmd ExecReload 1 $main) >>"$tmp/unit.log" 2>&1 &&
	    $(unitcmd ExecReload 2 $main)
}
reload
rc=$?
sleep 0.5
[ $rc = 0 ] && grep -q 'reload: generation 2' "$tmp/unit.log"
t $? "unit ExecReload: check, then SIGHUP; the child reloads"
printf 'remove User-Agent when bogus-condition\n' >"$tmp/test.rules"
reload
rc=$?
sleep 0.5
[ $rc != 0 ] && kill -0 $main && ! grep -q 'generation 3' "$tmp/unit.log"
t $? "unit ExecReload: a broken rules file fails the reload, no SIGHUP sent"
child=$(pgrep -P $main | head -n 1)
kill -TERM $main
wait $main
rc=$?
sleep 0.2
[ $rc = 0 ] && [ -n "$child" ] && ! kill -0 "$child" 2>/dev/null &&
    [ ! -e "$tmp/sock/pm.sock" ]
t $? "unit stop (KillMode=mixed: SIGTERM to the main process): exit 0, child gone"
[ $fail = 0 ] || sed 's/^/#   /' "$tmp/unit.log"
exit $fail
