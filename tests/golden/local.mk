# tests/golden -- automake fragment, included by the top-level Makefile.am
#
# --test-message on every case: the message tests/data/NAME.eml and the
# directory tests/golden/cases/NAME (args, out, err), found by
# tests/golden/run.sh (--update regenerates out and err); both directories
# are distributed whole, so a new case needs no line here.
# tests/golden/postfix-oracle.sh checks rules/postfix-own-received.pcre
# against Postfix itself (postmap -hmq; skipped without postfix-pcre).
# Generated wrappers pass the absolute source and build directories, so
# the tests work in VPATH builds and under make distcheck.
# tests/golden/audit.sh: --audit over the same cases (in-scope mail leaks
# nothing after the default rules) and over a sample as an mbox, a maildir
# and a directory, against tests/golden/audit/.
TESTS += tests/golden/golden.sh tests/golden/postfix-oracle.test \
	tests/golden/audit.test
check_SCRIPTS += tests/golden/golden.sh tests/golden/postfix-oracle.test \
	tests/golden/audit.test
CLEANFILES += tests/golden/golden.sh tests/golden/postfix-oracle.test \
	tests/golden/audit.test
EXTRA_DIST += tests/golden/run.sh tests/golden/postfix-oracle.sh \
	tests/golden/audit.sh tests/golden/audit \
	tests/golden/test.conf tests/golden/broken.rules \
	tests/golden/notes.rules tests/golden/cases tests/data

tests/golden/golden.sh: Makefile
	@$(MKDIR_P) tests/golden
	@{ echo "#!/bin/sh"; \
	  echo "exec $(SHELL) \"$(abs_top_srcdir)/tests/golden/run.sh\" --srcdir \"$(abs_top_srcdir)\" --builddir \"$(abs_top_builddir)\" \"\$$@\""; \
	} > $@ && chmod +x $@

tests/golden/postfix-oracle.test: Makefile
	@$(MKDIR_P) tests/golden
	@{ echo "#!/bin/sh"; \
	  echo "exec $(SHELL) \"$(abs_top_srcdir)/tests/golden/postfix-oracle.sh\" --srcdir \"$(abs_top_srcdir)\" --builddir \"$(abs_top_builddir)\" \"\$$@\""; \
	} > $@ && chmod +x $@

tests/golden/audit.test: Makefile
	@$(MKDIR_P) tests/golden
	@{ echo "#!/bin/sh"; \
	  echo "exec $(SHELL) \"$(abs_top_srcdir)/tests/golden/audit.sh\" --srcdir \"$(abs_top_srcdir)\" --builddir \"$(abs_top_builddir)\" \"\$$@\""; \
	} > $@ && chmod +x $@
