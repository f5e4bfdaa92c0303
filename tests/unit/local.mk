# tests/unit -- Check unit tests, one program per module of the core
# (test_X.c for milter/X.c; test_rules.c covers rules.c, rules_hc.c and
# rules_native.c). unit.c holds the helpers test_engine, test_edits and
# test_fold share. test_tester links milter/tester.c, the --test-message
# front end that is part of the daemon, not of the core.
if HAVE_CHECK
UNIT_TESTS = \
	tests/unit/test_util \
	tests/unit/test_session \
	tests/unit/test_net \
	tests/unit/test_match \
	tests/unit/test_template \
	tests/unit/test_rules \
	tests/unit/test_fold \
	tests/unit/test_engine \
	tests/unit/test_edits \
	tests/unit/test_msgparse \
	tests/unit/test_tester \
	tests/unit/test_tls \
	tests/unit/test_pseudonym \
	tests/unit/test_config \
	tests/unit/test_detect \
	tests/unit/test_date \
	tests/unit/test_stats
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"' -DTEST_BUILDDIR='"$(abs_top_builddir)"'
UNIT_LDADD = $(CORE_LIBS) $(CHECK_LIBS)
UNIT_HELPERS = tests/unit/unit.c tests/unit/unit.h
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LDADD)
tests_unit_test_session_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_session_LDADD = $(UNIT_LDADD)
tests_unit_test_net_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_net_LDADD = $(UNIT_LDADD)
tests_unit_test_match_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_match_LDADD = $(UNIT_LDADD)
tests_unit_test_template_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_template_LDADD = $(UNIT_LDADD)
tests_unit_test_rules_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rules_LDADD = $(UNIT_LDADD)
tests_unit_test_fold_SOURCES = tests/unit/test_fold.c $(UNIT_HELPERS)
tests_unit_test_fold_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fold_LDADD = $(UNIT_LDADD)
tests_unit_test_engine_SOURCES = tests/unit/test_engine.c $(UNIT_HELPERS)
tests_unit_test_engine_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_LDADD = $(UNIT_LDADD)
tests_unit_test_edits_SOURCES = tests/unit/test_edits.c $(UNIT_HELPERS)
tests_unit_test_edits_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_edits_LDADD = $(UNIT_LDADD)
tests_unit_test_msgparse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_msgparse_LDADD = $(UNIT_LDADD)
tests_unit_test_tester_SOURCES = tests/unit/test_tester.c milter/tester.c \
	include/tester.h
tests_unit_test_tester_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tester_LDADD = $(UNIT_LDADD)
tests_unit_test_tls_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tls_LDADD = $(UNIT_LDADD)
tests_unit_test_pseudonym_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pseudonym_LDADD = $(UNIT_LDADD)
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)
tests_unit_test_detect_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_detect_LDADD = $(UNIT_LDADD)
tests_unit_test_date_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_date_LDADD = $(UNIT_LDADD)
tests_unit_test_stats_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stats_LDADD = $(UNIT_LDADD)
endif

# rules.c against Postfix itself: rules_oracle answers what
# "postmap -hmq - pcre:FILE" answers (skipped without postmap).
check_PROGRAMS += tests/unit/rules_oracle
tests_unit_rules_oracle_SOURCES = tests/unit/rules_oracle.c
tests_unit_rules_oracle_LDADD = $(CORE_LIBS)
TESTS += tests/unit/test_postfix_compat.sh
EXTRA_DIST += tests/unit/test_postfix_compat.sh tests/unit/compat
