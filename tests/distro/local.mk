# tests/distro -- automake fragment, included by the top-level Makefile.am
#
# The Debian package. version.sh (make check): debian/changelog follows
# configure.ac's version. run (tests/run-all's "distro" stage, root and
# mmdebstrap): the .deb built, lintian-clean, installed into fresh Debian 12
# and 13 roots and tested there end to end; in-root is its part inside a root.
TESTS += tests/distro/version.sh
EXTRA_DIST += tests/distro/version.sh tests/distro/run tests/distro/in-root
