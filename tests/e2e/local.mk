# tests/e2e -- automake fragment, included by the top-level Makefile.am
#
# Real MTAs end to end (root only; each script exits 77 = skipped when not
# root, when PM_E2E=0, or when its MTA/peers are not installed; tests/run-all
# installs them). postfix.sh: a private Postfix instance on 127.0.0.1 with
# Dovecot SASL, configured from init/postfix/. forward.sh: the same with
# Dovecot LMTP and Pigeonhole Sieve (redirect, vacation) and .forward:
# forwarded mail passes unchanged. sendmail.sh: Debian's
# sendmail-bin unpacked into a private directory (never installed), run
# chrooted there (no namespace needed), on loopback ports. init-files.sh: systemd-analyze verify of the unit, sh -n
# of the sysv script. metrics.sh: the counters after a known sequence
# through the private Postfix, scraped by a real Prometheus.
TESTS += tests/e2e/postfix.sh tests/e2e/forward.sh tests/e2e/sendmail.sh \
	tests/e2e/init-files.sh tests/e2e/metrics.sh
EXTRA_DIST += tests/e2e/postfix.sh tests/e2e/forward.sh tests/e2e/sendmail.sh \
	tests/e2e/init-files.sh tests/e2e/metrics.sh tests/e2e/lib.sh \
	tests/e2e/data/submission.eml tests/e2e/data/local.eml \
	tests/e2e/data/inbound.eml tests/e2e/data/fwd-inbound.eml \
	tests/e2e/data/fwd-own.eml
