# rules -- automake fragment, included by the top-level Makefile.am
# The shipped rule sets, installed beside privacy-milter.conf. pmconfdir
# ($(sysconfdir)/privacy-milter) is defined in init/local.mk.
pmrulesdir = $(pmconfdir)
dist_pmrules_DATA = \
	rules/default.rules \
	rules/postfix-own-received.pcre \
	rules/postfix-pickup-received.pcre
