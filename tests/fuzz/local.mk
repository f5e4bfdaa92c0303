# tests/fuzz -- libFuzzer targets, seed corpora and regression inputs.
#
# Each target tests/fuzz/fuzz_T.c is built twice:
#  - tests/fuzz/replay_T (always, by make check): replay_main.c runs the
#    seed corpus tests/fuzz/corpus/T/ and the regression inputs
#    tests/fuzz/regress/T/ through the target once, without fuzzing
#    (tests/fuzz/replay, in TESTS), with any compiler, under the sanitizers
#    or valgrind when the build has them.
#  - tests/fuzz/fuzz_T (only when configured CC=clang --enable-fuzz): the
#    libFuzzer binary (-fsanitize=fuzzer on these programs only; the core
#    is instrumented with -fsanitize=fuzzer-no-link,address,undefined).
# "make fuzz FUZZ_SECONDS=N" runs tests/fuzz/smoke: every target for N
# seconds; in a build not configured for fuzzing it makes its own (clang)
# build first. See tests/fuzz/README for how a crash becomes a test.

FUZZ_NAMES = rules engine engine_rules fold msgparse tls config packet
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SRCDIR='"$(abs_top_srcdir)"'
FUZZ_SECONDS = 60

REPLAY_PROGS = tests/fuzz/replay_rules tests/fuzz/replay_engine \
	tests/fuzz/replay_engine_rules tests/fuzz/replay_fold \
	tests/fuzz/replay_msgparse tests/fuzz/replay_tls \
	tests/fuzz/replay_config tests/fuzz/replay_packet
check_PROGRAMS += $(REPLAY_PROGS)
TESTS += tests/fuzz/replay
EXTRA_DIST += tests/fuzz/replay tests/fuzz/smoke tests/fuzz/README \
	tests/fuzz/corpus tests/fuzz/regress
# The other hardening scripts (no build of their own; listed here so the
# tarball has them): static analysis, sanitizer and valgrind runs.
EXTRA_DIST += .clang-tidy tests/static/lib.sh tests/static/run \
	tests/static/sanitizers tests/static/valgrind.supp tests/static/tsan.supp \
	tests/static/NOTES.md

tests_fuzz_replay_rules_SOURCES = tests/fuzz/fuzz_rules.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_rules_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_rules_LDADD = $(CORE_LIBS)
tests_fuzz_replay_engine_SOURCES = tests/fuzz/fuzz_engine.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_engine_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_engine_LDADD = $(CORE_LIBS)
tests_fuzz_replay_engine_rules_SOURCES = tests/fuzz/fuzz_engine.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_engine_rules_CPPFLAGS = $(FUZZ_CPPFLAGS) \
	-DFUZZ_RULES_FROM_INPUT
tests_fuzz_replay_engine_rules_LDADD = $(CORE_LIBS)
tests_fuzz_replay_tls_SOURCES = tests/fuzz/fuzz_tls.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_tls_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_tls_LDADD = $(CORE_LIBS)
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz_config.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_config_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_config_LDADD = $(CORE_LIBS)
tests_fuzz_replay_msgparse_SOURCES = tests/fuzz/fuzz_msgparse.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_msgparse_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_msgparse_LDADD = $(CORE_LIBS)
tests_fuzz_replay_fold_SOURCES = tests/fuzz/fuzz_fold.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_fold_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_fold_LDADD = $(CORE_LIBS)
tests_fuzz_replay_packet_SOURCES = tests/fuzz/fuzz_packet.c \
	tests/fuzz/replay_main.c tests/fuzz/fuzz.h
tests_fuzz_replay_packet_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_packet_LDADD = $(CORE_LIBS)

FUZZ_PROGS =
if ENABLE_FUZZ
FUZZ_PROGS += tests/fuzz/fuzz_rules tests/fuzz/fuzz_engine \
	tests/fuzz/fuzz_engine_rules tests/fuzz/fuzz_fold \
	tests/fuzz/fuzz_msgparse tests/fuzz/fuzz_tls tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_packet
noinst_PROGRAMS += $(FUZZ_PROGS)
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_rules_SOURCES = tests/fuzz/fuzz_rules.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_rules_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_rules_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_rules_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_engine_SOURCES = tests/fuzz/fuzz_engine.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_engine_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_engine_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_engine_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_engine_rules_SOURCES = tests/fuzz/fuzz_engine.c \
	tests/fuzz/fuzz.h
tests_fuzz_fuzz_engine_rules_CPPFLAGS = $(FUZZ_CPPFLAGS) \
	-DFUZZ_RULES_FROM_INPUT
tests_fuzz_fuzz_engine_rules_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_engine_rules_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_tls_SOURCES = tests/fuzz/fuzz_tls.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_tls_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_tls_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_tls_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_config_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_msgparse_SOURCES = tests/fuzz/fuzz_msgparse.c \
	tests/fuzz/fuzz.h
tests_fuzz_fuzz_msgparse_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_msgparse_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_msgparse_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_fold_SOURCES = tests/fuzz/fuzz_fold.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_fold_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_fold_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_fold_LDADD = $(CORE_LIBS)
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_packet_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_packet_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_packet_LDADD = $(CORE_LIBS)
endif

# make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="rules tls"]: every target for N
# seconds; fails on a crash, leak or timeout.
fuzz: $(FUZZ_PROGS)
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_TARGETS='$(FUZZ_TARGETS)' \
	FUZZ_BINDIR='$(abs_top_builddir)/tests/fuzz' \
	    $(SHELL) '$(srcdir)/tests/fuzz/smoke'
.PHONY: fuzz
