# tests/milter -- automake fragment, included by the top-level Makefile.am
#
# The real binary over a unix socket, driven by miltertest (Lua) and, for
# the 100 KiB header that miltertest cannot send, a small Python client.
# Each script starts the milter itself in the foreground in a temporary
# directory, stops it at the end, and exits 77 (skip) when miltertest is
# not installed. They find the binary in the current directory (make check
# runs them from the top of the build tree) and their data beside
# themselves.
MILTER_TESTS = \
	tests/milter/scrub.sh \
	tests/milter/bigheader.sh \
	tests/milter/signals.sh \
	tests/milter/crash.sh \
	tests/milter/failpolicy.sh \
	tests/milter/options.sh \
	tests/milter/reload.sh \
	tests/milter/stats.sh
TESTS += $(MILTER_TESTS)
EXTRA_DIST += $(MILTER_TESTS) \
	tests/milter/lib.sh \
	tests/milter/lib.lua \
	tests/milter/scrub.lua \
	tests/milter/inflight.lua \
	tests/milter/short.lua \
	tests/milter/reload.lua \
	tests/milter/final.lua \
	tests/milter/failpolicy.lua \
	tests/milter/dryrun.lua \
	tests/milter/notes.lua \
	tests/milter/stats.lua \
	tests/milter/bigheader.py \
	tests/milter/test.conf
