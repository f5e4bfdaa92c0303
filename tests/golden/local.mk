# tests/golden -- automake fragment, included by the top-level Makefile.am
#
# --test-message on the messages in tests/data against the expected
# outputs in tests/golden (tests/golden/run.sh; --update regenerates).
# tests/golden/postfix-oracle.sh checks rules/postfix-own-received.pcre
# against Postfix itself (postmap -hmq; skipped without postfix-pcre).
# Generated wrappers pass the absolute source and build directories, so
# the tests work in VPATH builds and under make distcheck.
TESTS += tests/golden/golden.sh tests/golden/postfix-oracle.test
check_SCRIPTS += tests/golden/golden.sh tests/golden/postfix-oracle.test
CLEANFILES += tests/golden/golden.sh tests/golden/postfix-oracle.test
EXTRA_DIST += tests/golden/run.sh tests/golden/postfix-oracle.sh \
	tests/golden/test.conf \
	tests/golden/broken.rules \
	tests/golden/notes.rules \
	tests/data/apple-mail.eml \
	tests/data/apple-mail.args \
	tests/golden/apple-mail.out \
	tests/golden/apple-mail.err \
	tests/data/broken-rules.eml \
	tests/data/broken-rules.args \
	tests/golden/broken-rules.out \
	tests/golden/broken-rules.err \
	tests/data/crlf.eml \
	tests/data/crlf.args \
	tests/golden/crlf.out \
	tests/golden/crlf.err \
	tests/data/dkim-signed-ua.eml \
	tests/data/dkim-signed-ua.args \
	tests/golden/dkim-signed-ua.out \
	tests/golden/dkim-signed-ua.err \
	tests/data/dry-run.eml \
	tests/data/dry-run.args \
	tests/golden/dry-run.out \
	tests/golden/dry-run.err \
	tests/data/eightbit.eml \
	tests/data/eightbit.args \
	tests/golden/eightbit.out \
	tests/golden/eightbit.err \
	tests/data/exim-msa.eml \
	tests/data/exim-msa.args \
	tests/golden/exim-msa.out \
	tests/golden/exim-msa.err \
	tests/data/forged-tls-header.eml \
	tests/data/forged-tls-header.args \
	tests/golden/forged-tls-header.out \
	tests/golden/forged-tls-header.err \
	tests/data/horde.eml \
	tests/data/horde.args \
	tests/golden/horde.out \
	tests/golden/horde.err \
	tests/data/inbound.eml \
	tests/data/inbound.args \
	tests/golden/inbound.out \
	tests/golden/inbound.err \
	tests/data/k9-android.eml \
	tests/data/k9-android.args \
	tests/golden/k9-android.out \
	tests/golden/k9-android.err \
	tests/data/lan-fritzbox.eml \
	tests/data/lan-fritzbox.args \
	tests/golden/lan-fritzbox.out \
	tests/golden/lan-fritzbox.err \
	tests/data/lan-laptop.eml \
	tests/data/lan-laptop.args \
	tests/golden/lan-laptop.out \
	tests/golden/lan-laptop.err \
	tests/data/local-mutt.eml \
	tests/data/local-mutt.args \
	tests/golden/local-mutt.out \
	tests/golden/local-mutt.err \
	tests/data/local-reinjected.eml \
	tests/data/local-reinjected.args \
	tests/golden/local-reinjected.out \
	tests/golden/local-reinjected.err \
	tests/data/long-references.eml \
	tests/data/long-references.args \
	tests/golden/long-references.out \
	tests/golden/long-references.err \
	tests/data/notes.eml \
	tests/data/notes.args \
	tests/golden/notes.out \
	tests/golden/notes.err \
	tests/data/outlook.eml \
	tests/data/outlook.args \
	tests/golden/outlook.out \
	tests/golden/outlook.err \
	tests/data/roundcube.eml \
	tests/data/roundcube.args \
	tests/golden/roundcube.out \
	tests/golden/roundcube.err \
	tests/data/sendmail-msa.eml \
	tests/data/sendmail-msa.args \
	tests/golden/sendmail-msa.out \
	tests/golden/sendmail-msa.err \
	tests/data/thunderbird-ipv4.eml \
	tests/data/thunderbird-ipv4.args \
	tests/golden/thunderbird-ipv4.out \
	tests/golden/thunderbird-ipv4.err \
	tests/data/thunderbird-ipv6.eml \
	tests/data/thunderbird-ipv6.args \
	tests/golden/thunderbird-ipv6.out \
	tests/golden/thunderbird-ipv6.err

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
