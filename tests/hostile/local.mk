# tests/hostile -- hostile input, each case bounded in time (see each
# script's header): messages through the offline tester, malformed rules and
# config lines against their exact diagnostics, least privilege and leaks of
# the daemon.
HOSTILE_TESTS = tests/hostile/tester.sh tests/hostile/diagnostics.sh \
	tests/hostile/privilege.sh tests/hostile/failpolicy.sh
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/hostile/lib.sh tests/hostile/rules.tab \
	tests/hostile/config.tab tests/hostile/leak.lua \
	tests/hostile/evil.lua tests/hostile/logonly.lua
