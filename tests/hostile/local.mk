# tests/hostile -- hostile input, each case bounded in time (see each
# script's header): messages through the offline tester, malformed rules and
# config lines against their exact diagnostics, least privilege and leaks of
# the daemon; and the attacks of issue 14 on the daemon itself: malformed
# protocol on the socket with the replayed corpus of the socket fuzzer
# (protocol.sh, sockfuzz.py, corpus/), the pidfile, descriptor exhaustion,
# idle connections, the last good rules after a restart, the stop, and
# files the child cannot re-read.
HOSTILE_TESTS = tests/hostile/tester.sh tests/hostile/diagnostics.sh \
	tests/hostile/privilege.sh tests/hostile/failpolicy.sh \
	tests/hostile/protocol.sh tests/hostile/pidfile.sh \
	tests/hostile/fdlimit.sh tests/hostile/idle.sh \
	tests/hostile/lastgood.sh tests/hostile/stop.sh \
	tests/hostile/readable.sh tests/hostile/metrics.sh
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/hostile/lib.sh tests/hostile/rules.tab \
	tests/hostile/config.tab tests/hostile/leak.lua \
	tests/hostile/evil.lua tests/hostile/logonly.lua \
	tests/hostile/milterproto.py tests/hostile/sockfuzz.py \
	tests/hostile/corpus
