# man -- the three man pages
dist_man_MANS += man/privacy-milter.8 man/privacy-milter.conf.5 man/privacy-milter.rules.5
