# init -- configuration, service files and MTA snippets
pmconfdir = $(sysconfdir)/privacy-milter
dist_pmconf_DATA = init/privacy-milter.conf

# Service files and MTA snippets (issue 4). The systemd unit goes to
# $(systemdsystemunitdir): $(prefix)/lib/systemd/system by default, which
# systemd reads for prefix /usr and /usr/local alike; override on the make
# command line (make install systemdsystemunitdir=/lib/systemd/system).
# The sysv script, the defaults file and the MTA snippets are installed as
# examples under $(pkgdatadir); README "Postfix"/"Sendmail" says where to
# copy them.
systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = init/privacy-milter.service
pminitdir = $(pkgdatadir)/init
pminit_SCRIPTS = init/privacy-milter.init
dist_pminit_DATA = init/privacy-milter.default
pmpostfixdir = $(pkgdatadir)/postfix
dist_pmpostfix_DATA = init/postfix/main.cf.snippet \
	init/postfix/master.cf.snippet init/postfix/reinject.rules
pmsendmaildir = $(pkgdatadir)/sendmail
dist_pmsendmail_DATA = init/sendmail/privacy-milter.mc \
	init/sendmail/systemd-override.conf
EXTRA_DIST += init/privacy-milter.service.in init/privacy-milter.init.in

# Monitoring (privacy-milter(8), MONITORING): a Grafana dashboard and sample
# Prometheus alert rules, installed as examples; init/monitoring.test
# checks them with promtool.
pmgrafanadir = $(pkgdatadir)/grafana
dist_pmgrafana_DATA = init/grafana/privacy-milter.json
pmprometheusdir = $(pkgdatadir)/prometheus
dist_pmprometheus_DATA = init/prometheus/privacy-milter-alerts.yml
TESTS += init/monitoring.test
EXTRA_DIST += init/monitoring.test
CLEANFILES += init/privacy-milter.service init/privacy-milter.init

pm_init_subst = sed -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g'

init/privacy-milter.service: $(srcdir)/init/privacy-milter.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && \
	$(pm_init_subst) $(srcdir)/init/privacy-milter.service.in >$@.tmp && \
	mv $@.tmp $@

init/privacy-milter.init: $(srcdir)/init/privacy-milter.init.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && \
	$(pm_init_subst) $(srcdir)/init/privacy-milter.init.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
