#!/bin/sh
# tests/distro/version.sh -- the Debian package's version follows the project's
#
# NAME
#	version.sh - debian/changelog's upstream version is configure.ac's
# DESCRIPTION
#	The first entry of debian/changelog must read VERSION-N, VERSION
#	being AC_INIT's version in configure.ac (and so the program's -V),
#	N a Debian revision (1, 2, ...). debian/rules refuses to build
#	otherwise; this test says so before a build does. Exit 77 without
#	debian/ (a release tarball does not carry it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/debian/changelog" ] ||
    { echo "SKIP: no debian/changelog (a release tarball)"; exit 77; }
ac=$(sed -n 's/^AC_INIT(\[privacy-milter\], *\[\([^]]*\)\].*/\1/p' \
    "$top/configure.ac")
deb=$(sed -n '1s/^privacy-milter (\([^)]*\)) .*/\1/p' "$top/debian/changelog")
fail=0
echo "# configure.ac: $ac, debian/changelog: $deb"
case "$deb" in
"$ac"-[1-9]*) echo "ok 1 - debian/changelog's version is $ac-REVISION" ;;
*) echo "not ok 1 - debian/changelog's version $deb is not $ac-REVISION"; fail=1 ;;
esac
if [ -x ./privacy-milter ]; then
	v=$(./privacy-milter -V 2>&1 | head -n 1)
	case "$v" in
	*"$ac"*) echo "ok 2 - privacy-milter -V says $ac" ;;
	*) echo "not ok 2 - privacy-milter -V says \"$v\", not $ac"; fail=1 ;;
	esac
fi
exit $fail
