# tests/static/lib.sh -- shell helpers of the hardening scripts (sourced).
#
# pm_srccopy SRC DEST: a clean, unconfigured copy of the source tree SRC in
# DEST, ready for an out-of-tree build. A tree configured in place refuses
# VPATH builds ("source directory already configured"), and CI configures
# in place, so every extra configuration (ASan, TSan, libFuzzer) builds
# from such a copy. In a git checkout the copy holds the tracked files and
# the untracked ones git does not ignore (the work in progress), then
# autoreconf -fi; from a release tarball, everything, then make distclean.
#
# pm_note MSG: one line on stdout, prefixed with the script's name.

pm_note() {
	printf '%s: %s\n' "${0##*/}" "$*"
}

pm_srccopy() {
	_src=$1
	_dst=$2
	rm -rf "$_dst" && mkdir -p "$_dst" || return 1
	if git -C "$_src" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$_src" && git ls-files -co --exclude-standard -z |
		    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
		    tar -C "$_dst" -xf - || return 1
		(cd "$_dst" && autoreconf -fi >/dev/null 2>&1) || {
			pm_note "autoreconf failed in $_dst"
			return 1
		}
	else
		tar -C "$_src" --exclude='./autom4te.cache' -cf - . |
		    tar -C "$_dst" -xf - || return 1
		if [ -f "$_dst/config.status" ]; then
			(cd "$_dst" && make distclean >/dev/null 2>&1)
		fi
	fi
	[ -x "$_dst/configure" ] || { pm_note "no configure in $_dst"; return 1; }
}

# pm_srcdir: the source tree, from the location of the calling script
# (tests/AREA/SCRIPT).
pm_srcdir() {
	(cd "$(dirname "$0")/../.." && pwd)
}
