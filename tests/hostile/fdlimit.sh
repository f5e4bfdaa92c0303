#!/bin/sh
# tests/hostile/fdlimit.sh -- descriptor exhaustion does not stop service
# (issue 14, item 3). Needs root (to raise the hard limit) and python3.
#   - started with the usual soft limit of 1,024 and a hard limit of 4,096:
#     the supervisor raises the soft limit to 4,096 and says so; 1,100 idle
#     connections are held, then 10 real sessions are all served (before:
#     libmilter spun at 100 % CPU on accept() failing with EMFILE, served 0
#     of 10 and logged nothing);
#   - started with a hard limit of 256 (far below what 300 connections
#     need): 300 idle connections, then 10 real sessions are all served:
#     the front closes the connections idle the longest to make room and
#     logs it (rate-limited), and the child does not spin (under 1 s of CPU
#     for the whole case).
# Bounded: about 30 s.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "# SKIP: needs root to raise the hard limit"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "# SKIP: no python3"; exit 77; }
(ulimit -Sn 1024 && ulimit -Hn 4096) 2>/dev/null ||
    { echo "# SKIP: cannot set a hard limit of 4096 here"; exit 77; }

hl_daemon_conf

# start SOFT HARD: the daemon with those descriptor limits
start() {
	: > "$LOG"
	(ulimit -Sn "$1" && ulimit -Hn "$2" && exec "$bin" -f -c "$tmp/pm.conf" \
	    -o "Socket=unix:$SOCK" -o "PidFile=$PIDF" -o UserID= \
	    -o SocketGroup=) >> "$LOG" 2>&1 &
	MPID=$!
	hl_wait_log "child started" 1 && [ -n "$(hl_child)" ]
}

# idle_then_real N: hold N idle connections, then 10 real sessions; prints
# the number served
idle_then_real() {
	hl_py - "unix:$SOCK" "$1" <<'PY'
import resource, socket, sys, time
import milterproto as mp
spec, n = sys.argv[1], int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
idle = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(spec.split(":", 1)[1])
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        continue
    idle.append(s)
time.sleep(1.5)
served = sum(1 for i in range(10) if mp.served(spec, "REAL%d" % i, 15))
print(served)
PY
}

# cpu PID: utime + stime in clock ticks
cpu() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

start 1024 4096 || { hl_fail "start" "no child"; hl_done; }
hl_check "the soft limit is raised to the hard limit" \
    grep -q "file descriptors: limit 4096 (a session takes up to 3)" "$LOG"
served=$(idle_then_real 1100)
hl_check "1,100 idle connections held: 10 of 10 real sessions served (got $served)" \
    [ "$served" = 10 ]
hl_milter_stop

start 256 256 || { hl_fail "start" "no child"; hl_done; }
c=$(hl_child)
before=$(cpu "$c")
served=$(idle_then_real 300)
used=$(($(cpu "$c") - before))
hl_check "limit 256, 300 idle connections: 10 of 10 real sessions served (got $served)" \
    [ "$served" = 10 ]
hl_check "idle connections closed to make room, logged" \
    grep -q "file descriptors: .* connections use .* of 256: closing the connection idle for" "$LOG"
hl_check "the warning is rate-limited (at most one a minute)" \
    [ "$(hl_count 'closing the connection idle for' "$LOG")" -le 2 ]
hl_check "no spinning: the child used $used ticks (< 100, 1 s)" [ "$used" -lt 100 ]
hl_check "the same child throughout" [ "$(hl_child)" = "$c" ]
hl_milter_stop
hl_done
