# tests/unit -- Check unit tests, one program per module of the core.
if HAVE_CHECK
UNIT_TESTS = \
	tests/unit/test_util \
	tests/unit/test_session \
	tests/unit/test_rules \
	tests/unit/test_engine \
	tests/unit/test_tls \
	tests/unit/test_pseudonym \
	tests/unit/test_config \
	tests/unit/test_testmsg \
	tests/unit/test_detect
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"' -DTEST_BUILDDIR='"$(abs_top_builddir)"'
UNIT_LDADD = $(CORE_LIBS) $(CHECK_LIBS)
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = $(UNIT_LDADD)
tests_unit_test_session_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_session_LDADD = $(UNIT_LDADD)
tests_unit_test_rules_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rules_LDADD = $(UNIT_LDADD)
tests_unit_test_engine_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_LDADD = $(UNIT_LDADD)
tests_unit_test_tls_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tls_LDADD = $(UNIT_LDADD)
tests_unit_test_pseudonym_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pseudonym_LDADD = $(UNIT_LDADD)
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)
tests_unit_test_testmsg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_testmsg_LDADD = $(UNIT_LDADD)
tests_unit_test_detect_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_detect_LDADD = $(UNIT_LDADD)
endif

# rules.c against Postfix itself: rules_oracle answers what
# "postmap -hmq - pcre:FILE" answers (skipped without postmap).
check_PROGRAMS += tests/unit/rules_oracle
tests_unit_rules_oracle_SOURCES = tests/unit/rules_oracle.c
tests_unit_rules_oracle_LDADD = $(CORE_LIBS)
TESTS += tests/unit/test_postfix_compat.sh
EXTRA_DIST += tests/unit/test_postfix_compat.sh tests/unit/compat
