# init -- configuration, service files and MTA snippets
pmconfdir = $(sysconfdir)/privacy-milter
dist_pmconf_DATA = init/privacy-milter.conf
