# tests/soak -- soak with faults against a real Postfix (tests/soak/soak.sh).
# Not part of make check: its own CI step.
#   make soak         the full run: 20,000 messages, bounded to 15 minutes
#   make soak-short   the CI version: 2,000 messages, bounded to 5 minutes
EXTRA_DIST += tests/soak/soak.sh tests/soak/message.eml
SOAK_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)'
soak: privacy-milter
	$(SOAK_ENV) timeout 900 bash '$(srcdir)/tests/soak/soak.sh'
soak-short: privacy-milter
	$(SOAK_ENV) SOAK_MESSAGES=2000 timeout 300 \
	    bash '$(srcdir)/tests/soak/soak.sh'
.PHONY: soak soak-short
