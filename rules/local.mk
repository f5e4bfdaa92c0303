# rules -- automake fragment, included by the top-level Makefile.am
# The shipped rule sets, installed beside privacy-milter.conf. pmconfdir
# ($(sysconfdir)/privacy-milter) is defined in init/local.mk.
pmrulesdir = $(pmconfdir)
dist_pmrules_DATA = \
	rules/default.rules \
	rules/postfix-own-received.pcre \
	rules/postfix-pickup-received.pcre \
	rules/strict.rules

# README.md's table "What it removes" is made from the Who:/What: comments
# of default.rules by rules/readme-table.sh; the test fails when the two
# differ (rules/readme-table.sh --update README.md rules/default.rules).
TESTS += rules/readme-table.test
check_SCRIPTS += rules/readme-table.test
CLEANFILES += rules/readme-table.test
EXTRA_DIST += rules/readme-table.sh

rules/readme-table.test: Makefile
	@$(MKDIR_P) rules
	@{ echo "#!/bin/sh"; \
	  echo "exec $(SHELL) \"$(abs_top_srcdir)/rules/readme-table.sh\" --check \"$(abs_top_srcdir)/README.md\" \"$(abs_top_srcdir)/rules/default.rules\""; \
	} > $@ && chmod +x $@
