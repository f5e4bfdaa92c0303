# tests/e2e/lib.sh -- shared harness for the end-to-end tests (sourced)
#
# NAME
#	lib.sh - a private Postfix instance, Dovecot SASL, certificates,
#	the milter, and assertions on delivered mail
# DESCRIPTION
#	e2e_require CMD...	exit 77 unless root, PM_E2E != 0 and every
#				command exists.
#	e2e_workdir		make $W (removed at exit unless PM_E2E_KEEP=1)
#	e2e_ports N		set P1..PN to free 127.0.0.1 TCP ports
#	e2e_certs		CA + server certificate for mx.e2e.test in $W/ssl
#	e2e_dovecot [lmtp]	Dovecot auth, passwd-file, socket in
#				$W/spool/private/auth; with "lmtp" also LMTP
#				delivery with Pigeonhole Sieve (see there)
#	e2e_postfix_config	main.cf/master.cf in $W/etc from init/postfix/
#	e2e_postfix_start	start it; e2e_postfix_stop
#	e2e_milter_start ARGS	privacy-milter -f, socket under the queue dir
#	e2e_milter_stop
#	e2e_swaks_sub PORT BOX FILE [ARGS]  authenticated submission with swaks
#	e2e_wait_mail BOX N	wait until BOX (a maildir) holds N messages
#	e2e_headers FILE	the header block, variable parts normalised
#	e2e_tls13		our TLS header for swaks --tls (TLS 1.3)
#	e2e_qid FILE [TEXT]	queue id in our Postfix's first Received
#	e2e_milter_line QID	the milter's per-message log line for QID
#	ok/fail NAME		record a case result (TAP-like lines)
#	e2e_hide_client		true when the submission service uses Postfix's
#				own smtpd_hide_client_session (Postfix >= 3.10)
#				instead of the companion table
#
#	The instance listens only on 127.0.0.1; the system Postfix is never
#	started. Its directory is listed in alternate_config_directories of
#	/etc/postfix/main.cf while the test runs (sendmail -C needs it) and
#	removed from there at exit.
#
#	The files under test come from the source and build trees, or, with
#	PM_E2E_INSTALLED=1 (tests/distro), from the installed package: the
#	binary, /etc/privacy-milter (configuration as the base of the test's,
#	rules, companion table), the Postfix examples in
#	/usr/share/doc/privacy-milter/examples, the milter started with the
#	systemd unit's ExecStartPre/ExecStart lines (the queue directory
#	/var/spool/postfix standing for the instance's) and the settings of
#	/etc/default/privacy-milter, the filtering child running as the
#	package's user privacy-milter.
# ENVIRONMENT
#	PM_E2E=0 skips; PM_E2E_KEEP=1 keeps $W; PM_E2E_VERBOSE=1 shows logs of
#	failed cases; top_srcdir, top_builddir (default: derived from $0).
#	PM_E2E_INSTALLED=1: test the installed package (see above); PM_BIN,
#	PM_RULES_DIR, PM_SNIPPETS, PM_CONF, PM_UNIT, PM_DEFAULTS, PM_USER
#	set each path or name on its own. PM_E2E_HIDE=1/0 forces or refuses
#	smtpd_hide_client_session (default: on with Postfix >= 3.10).

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
if [ "${PM_E2E_INSTALLED:-0}" = 1 ]; then
	PM_BIN=${PM_BIN:-/usr/sbin/privacy-milter}
	PM_RULES_DIR=${PM_RULES_DIR:-/etc/privacy-milter}
	PM_SNIPPETS=${PM_SNIPPETS:-/usr/share/doc/privacy-milter/examples/postfix}
	PM_CONF=${PM_CONF:-/etc/privacy-milter/privacy-milter.conf}
	PM_DEFAULTS=${PM_DEFAULTS:-/etc/default/privacy-milter}
	PM_USER=${PM_USER:-privacy-milter}
	if [ -z "${PM_UNIT:-}" ]; then
		for PM_UNIT in /usr/lib/systemd/system/privacy-milter.service \
		    /lib/systemd/system/privacy-milter.service; do
			[ -f "$PM_UNIT" ] && break
		done
	fi
else
	PM_BIN=${PM_BIN:-$top_builddir/privacy-milter}
	PM_RULES_DIR=${PM_RULES_DIR:-$top_srcdir/rules}
	PM_SNIPPETS=${PM_SNIPPETS:-$top_srcdir/init/postfix}
	PM_CONF=${PM_CONF:-}
	PM_DEFAULTS=${PM_DEFAULTS:-}
	PM_UNIT=${PM_UNIT:-}
	PM_USER=${PM_USER:-nobody}
fi

E2E_HOST=mx.e2e.test
E2E_PASS=0
E2E_FAIL=0
E2E_CASE=0
E2E_PIDS=""

say() { printf '%s\n' "$*"; }

# e2e_require - skip (77) unless we can run real MTAs here
e2e_require() {
	local c
	if [ "${PM_E2E:-1}" = 0 ]; then
		say "SKIP: PM_E2E=0"
		exit 77
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "SKIP: end-to-end tests need root"
		exit 77
	fi
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			say "SKIP: $c not installed (tests/run-all installs it)"
			exit 77
		fi
	done
}

# e2e_cleanup - stop what we started, undo the alternate_config_directories
e2e_cleanup() {
	local p
	set +e
	[ -n "${E2E_CLEANUP_HOOK:-}" ] && $E2E_CLEANUP_HOOK
	e2e_milter_stop
	[ -f "${W:-/nonexistent}/etc/main.cf" ] &&
	    postfix -c "$W/etc" stop >/dev/null 2>&1
	for p in $E2E_PIDS; do
		kill "$p" 2>/dev/null
	done
	# Dovecot's master: by its pidfile (doveadm stop is not reliable here).
	[ -s "${W:-/nonexistent}/dovecot/run/master.pid" ] &&
	    kill "$(cat "$W/dovecot/run/master.pid")" 2>/dev/null
	e2e_altdir_remove
	sleep 0.3
	if [ "${PM_E2E_KEEP:-0}" = 1 ]; then
		say "# kept $W"
	elif [ -n "${W:-}" ]; then
		rm -rf "$W"
	fi
}

# e2e_workdir - private directory tree for this run; it is also $HOME, so
#	nothing of the user's own setup (swaks reads ~/.swaksrc and
#	SWAKS_OPT_* variables) changes what the tests send
e2e_workdir() {
	W=$(mktemp -d /tmp/privacy-milter-e2e.XXXXXX) || exit 99
	chmod 755 "$W"
	HOME=$W
	export HOME
	unset $(env | sed -n 's/^\(SWAKS_[A-Za-z0-9_]*\)=.*/\1/p')
	trap e2e_cleanup EXIT
	trap 'exit 99' INT TERM
}

# e2e_port_free - true when nothing listens on 127.0.0.1:PORT
e2e_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# e2e_ports N - P1..PN, consecutive free ports
e2e_ports() {
	local base tries i okp
	base=$((20000 + ($$ % 900) * 50))
	tries=0
	while :; do
		i=0
		okp=1
		while [ $i -lt "$1" ]; do
			e2e_port_free $((base + i)) || { okp=0; break; }
			i=$((i + 1))
		done
		[ $okp = 1 ] && break
		base=$((base + 50))
		tries=$((tries + 1))
		[ $tries -gt 100 ] && { say "no free ports"; exit 99; }
	done
	i=1
	while [ $i -le "$1" ]; do
		eval "P$i=$((base + i - 1))"
		i=$((i + 1))
	done
}

# e2e_certs - a CA and a server certificate signed by it
e2e_certs() {
	local d
	d=$W/ssl
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		    -subj "/CN=privacy-milter e2e CA" \
		    -keyout ca.key -out ca.pem
		openssl req -newkey rsa:2048 -nodes \
		    -subj "/CN=$E2E_HOST" -keyout server.key -out server.csr
		printf 'subjectAltName=DNS:%s\n' "$E2E_HOST" >ext.cnf
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -days 2 -extfile ext.cnf -out server.pem
	) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log"; exit 99; }
	chmod 644 "$d"/*.pem
}

# e2e_dovecot [lmtp] - SASL: user u7734x password s3cret. Dovecot 2.4
#	(Debian 13) reads a new configuration syntax; the 2.3 one (Debian
#	12) is written for older versions. With "lmtp" Dovecot also
#	delivers: LMTP on the unix socket $W/spool/private/dovecot-lmtp
#	(Postfix: lmtp:unix:private/dovecot-lmtp), any user (static
#	userdb, uid nobody), maildir $W/mail/LOCALPART, home
#	$W/home/LOCALPART (made for each of $E2E_BOXES), Pigeonhole Sieve
#	running the single script $W/sieve/LOCALPART.sieve, outgoing mail
#	(redirect, vacation) through $W/sendmail (e2e_sendmail_wrapper),
#	host name $E2E_HOST.
e2e_dovecot() {
	local d v
	d=$W/dovecot
	mkdir -p "$d/run" "$d/state" "$W/spool/private"
	printf 'u7734x:{PLAIN}s3cret\n' >"$d/passwd"
	chmod 644 "$d/passwd"
	E2E_DOVECOT_CONF=$d/dovecot.conf
	if [ "${1:-}" = lmtp ]; then
		# Dovecot makes the maildir, not the home (Sieve's duplicate
		# database lives there): one for each of $E2E_BOXES.
		mkdir -p "$W/sieve"
		for v in ${E2E_BOXES:-}; do
			mkdir -p "$W/home/$v"
			chown nobody:nogroup "$W/home/$v"
		done
		chown nobody:nogroup "$W/sieve"
		e2e_sendmail_wrapper
	fi
	v=24
	case $(dovecot --version 2>/dev/null) in
	2.[0-3].*) v=23 ;;
	esac
	{
		e2e_dovecot_conf_$v "$d" "${1:-}"
		[ "${1:-}" = lmtp ] && e2e_dovecot_lmtp_$v
	} >"$E2E_DOVECOT_CONF"
	dovecot -c "$E2E_DOVECOT_CONF" || { cat "$d/dovecot.log"; exit 99; }
}

# e2e_dovecot_conf_23 DIR [lmtp] - the auth configuration, Dovecot 2.3;
#	for LMTP a home per user and no passdb lookup to deliver
e2e_dovecot_conf_23() {
	local proto home all
	proto= home=/nonexistent all=
	[ "${2:-}" = lmtp ] &&
	    proto=lmtp home=$W/home/%n all=' allow_all_users=yes'
	cat <<EOF
instance_name = pm-e2e-$$
base_dir = $1/run
state_dir = $1/state
protocols = $proto
ssl = no
log_path = $1/dovecot.log
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $1/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$home$all
}
service auth {
  unix_listener $W/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  chroot =
}
EOF
}

# e2e_dovecot_conf_24 DIR [lmtp] - the same for Dovecot 2.4
e2e_dovecot_conf_24() {
	local proto home all
	proto= home=/nonexistent all=
	[ "${2:-}" = lmtp ] && proto=lmtp home="$W/home/%{user | username}" \
	    all='  userdb_static_allow_all_users = yes'
	cat <<EOF
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
instance_name = pm-e2e-$$
base_dir = $1/run
state_dir = $1/state
protocols = $proto
ssl = no
log_path = $1/dovecot.log
auth_mechanisms = plain login
auth_allow_cleartext = yes
passdb passwd-file {
  passwd_file_path = $1/passwd
}
userdb static {
$all
  fields {
    uid = nobody
    gid = nogroup
    home = $home
  }
}
service auth {
  unix_listener $W/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  chroot =
}
EOF
}

# e2e_dovecot_lmtp_23 - LMTP delivery and Sieve, Dovecot 2.3
e2e_dovecot_lmtp_23() {
	cat <<EOF
hostname = $E2E_HOST
postmaster_address = postmaster@e2e.test
sendmail_path = $W/sendmail
mail_location = maildir:$W/mail/%n
service lmtp {
  unix_listener $W/spool/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
protocol lmtp {
  mail_plugins = sieve
}
plugin {
  sieve = file:$W/sieve/%n.sieve
}
EOF
}

# e2e_dovecot_lmtp_24 - the same for Dovecot 2.4
e2e_dovecot_lmtp_24() {
	cat <<EOF
hostname = $E2E_HOST
postmaster_address = postmaster@e2e.test
sendmail_path = $W/sendmail
mail_driver = maildir
mail_path = $W/mail/%{user | username}
service lmtp {
  unix_listener $W/spool/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
protocol lmtp {
  mail_plugins {
    sieve = yes
  }
}
sieve_script personal {
  driver = file
  path = $W/sieve/%{user | username}.sieve
}
EOF
}

# e2e_sendmail_wrapper - $W/sendmail: Postfix's sendmail for this instance
#	(-C $W/etc), for programs that take a sendmail path without
#	arguments (Dovecot's sendmail_path, a .forward pipe). It keeps what it
#	was given in $W/sent/RECIPIENT (the last argument), and its arguments
#	in $W/sent/RECIPIENT.args, so a test can compare what the program
#	wrote with what arrived.
e2e_sendmail_wrapper() {
	mkdir -p "$W/sent"
	chown nobody:nogroup "$W/sent"
	cat >"$W/sendmail" <<EOF
#!/bin/sh
for a; do r=\$a; done
f=$W/sent/\${r:-none}
printf '%s\n' "\$*" >"\$f.args"
cat >"\$f" || exit 75
exec /usr/sbin/sendmail -C $W/etc "\$@" <"\$f"
EOF
	chmod 755 "$W/sendmail"
}

# e2e_altdir_add - let "sendmail -C $W/etc" work (DESIGN §8)
e2e_altdir_add() {
	local cur
	E2E_MAINCF_CREATED=0
	if [ ! -f /etc/postfix/main.cf ]; then
		: >/etc/postfix/main.cf
		E2E_MAINCF_CREATED=1
	fi
	cur=$(postconf -c /etc/postfix -h alternate_config_directories 2>/dev/null)
	postconf -c /etc/postfix -e \
	    "alternate_config_directories = ${cur:+$cur, }$W/etc"
	E2E_ALTDIR=1
}

# e2e_altdir_remove - take our directory out again (others may share it)
e2e_altdir_remove() {
	local cur new
	[ "${E2E_ALTDIR:-0}" = 1 ] || return 0
	cur=$(postconf -c /etc/postfix -h alternate_config_directories 2>/dev/null)
	new=$(printf '%s\n' "$cur" | tr ', ' '\n\n' | grep -v '^$' |
	    grep -vxF "$W/etc" | paste -sd, - | sed 's/,/, /g')
	if [ -n "$new" ]; then
		postconf -c /etc/postfix -e "alternate_config_directories = $new"
	else
		postconf -c /etc/postfix -X alternate_config_directories
	fi
	if [ "$E2E_MAINCF_CREATED" = 1 ] &&
	    ! grep -q '[^[:space:]]' /etc/postfix/main.cf; then
		rm -f /etc/postfix/main.cf
	fi
	E2E_ALTDIR=0
}

# e2e_snippet_subst - init/postfix snippet -> this instance's paths
e2e_snippet_subst() {
	sed -e "s|/etc/privacy-milter/|$W/etc/|g"
}

# e2e_service_block NAME FILE - one master.cf entry (with its -o lines)
e2e_service_block() {
	awk -v n="$1" '
	    /^[^ \t#]/ { on = ($1 == n) }
	    /^#/ { on = 0 }
	    on { print }' "$2"
}

# e2e_postfix_at_least MAJOR MINOR - the installed Postfix is that or newer
e2e_postfix_at_least() {
	local v maj min
	# This instance's configuration: a Postfix installed with "No
	# configuration" has no /etc/postfix/main.cf for postconf to read.
	if [ -f "${W:-/nonexistent}/etc/main.cf" ]; then
		v=$(postconf -c "$W/etc" -d -h mail_version 2>/dev/null)
	else
		v=$(postconf -d -h mail_version 2>/dev/null)
	fi
	maj=${v%%.*}
	min=$(echo "$v" | cut -d. -f2)
	[ "$maj" -gt "$1" ] 2>/dev/null && return 0
	[ "$maj" = "$1" ] && [ "$min" -ge "$2" ] 2>/dev/null
}

# e2e_kx - the key exchange group as Postfix's own TLS comment writes it:
#	lower case in Postfix 3.10 (measured with OpenSSL 3.0 and 3.5),
#	upper case in 3.7
e2e_kx() {
	if e2e_postfix_at_least 3 10; then
		echo x25519
	else
		echo X25519
	fi
}

# e2e_hide_client - use smtpd_hide_client_session (PM_E2E_HIDE, or the
#	Postfix version: 3.10 and later)
e2e_hide_client() {
	case "${PM_E2E_HIDE:-}" in
	1) return 0 ;;
	0) return 1 ;;
	esac
	e2e_postfix_at_least 3 10
}

# e2e_service_block_310 NAME FILE - the commented-out entry of the
#	"Postfix >= 3.10" part of a master.cf snippet, uncommented
e2e_service_block_310() {
	awk '/^# Postfix >= 3\.10/ { on = 1; next }
	    on && /^#[^ #]/ { print substr($0, 2); next }
	    on && /^#  +-o / { print substr($0, 2) }' "$2" |
	    e2e_service_block "$1" /dev/stdin
}

# e2e_submission_block [classic] - the snippet's submission entry: the one
#	for Postfix >= 3.10 when e2e_hide_client (unless "classic"), else
#	the one with the companion table's cleanup_submit
e2e_submission_block() {
	if [ "${1:-}" != classic ] && e2e_hide_client; then
		e2e_service_block_310 submission "$PM_SNIPPETS/master.cf.snippet"
	else
		e2e_service_block submission "$PM_SNIPPETS/master.cf.snippet"
	fi
}

# e2e_postfix_config - main.cf and master.cf; ports from P1.. (see caller)
#	$E2E_MASTER_EXTRA is appended to master.cf.
e2e_postfix_config() {
	local c b f snip
	c=$W/etc
	mkdir -p "$c" "$W/spool" "$W/data" "$W/mail"
	chown nobody:nogroup "$W/mail"
	for f in postfix-own-received.pcre postfix-pickup-received.pcre; do
		cp "$PM_RULES_DIR/$f" "$c/" 2>/dev/null || : >"$c/$f"
	done
	# One maildir per local part (virtual(8) takes no $1 substitution).
	for b in ${E2E_BOXES:-box}; do
		printf '/^%s@/\t%s/\n' "$b" "$b"
	done >"$c/vmailbox.pcre"
	cat >"$c/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $W/spool
data_directory = $W/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $E2E_HOST
mydomain = e2e.test
myorigin = e2e.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtputf8_enable = no
relayhost =
default_transport = error:no outbound mail from the e2e instance
virtual_mailbox_domains = e2e.test, remote.test
virtual_mailbox_base = $W/mail
virtual_mailbox_maps = pcre:$c/vmailbox.pcre
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
maillog_file = $W/maillog
maillog_file_prefixes = $W
smtpd_banner = \$myhostname ESMTP
smtpd_tls_cert_file = $W/ssl/server.pem
smtpd_tls_key_file = $W/ssl/server.key
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
EOF
	e2e_snippet_subst <"$PM_SNIPPETS/main.cf.snippet" >>"$c/main.cf"
	# The stock services (Debian's master.cf), then the snippet's.
	cat >"$c/master.cf" <<'EOF'
cleanup   unix  n       -       y       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       y       1000?   1       tlsmgr
rewrite   unix  -       -       y       -       -       trivial-rewrite
bounce    unix  -       -       y       -       0       bounce
defer     unix  -       -       y       -       0       bounce
trace     unix  -       -       y       -       0       bounce
verify    unix  -       -       y       -       1       verify
flush     unix  n       -       y       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       y       -       -       smtp
relay     unix  -       -       y       -       -       smtp
showq     unix  n       -       y       -       -       showq
error     unix  -       -       y       -       -       error
retry     unix  -       -       y       -       -       error
discard   unix  -       -       y       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       y       -       -       lmtp
anvil     unix  -       -       y       -       1       anvil
scache    unix  -       -       y       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	snip=$PM_SNIPPETS/master.cf.snippet
	{
		e2e_service_block smtp "$snip" |
		    sed "1s/^smtp  *inet/127.0.0.1:$P_MX inet/"
		e2e_submission_block |
		    sed "1s/^submission  *inet/127.0.0.1:$P_SUB inet/"
		e2e_service_block pickup "$snip"
		e2e_service_block cleanup_submit "$snip" | e2e_snippet_subst
		e2e_service_block cleanup_pickup "$snip" | e2e_snippet_subst
		printf '%s\n' "${E2E_MASTER_EXTRA:-}"
	} >>"$c/master.cf"
	# The chrooted daemons resolve names from files of the test's own,
	# not the machine's /etc/hosts or DNS: 127.0.0.1 is localhost.
	mkdir -p "$W/spool/etc"
	for f in localtime services; do
		[ -f "/etc/$f" ] && cp "/etc/$f" "$W/spool/etc/"
	done
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$W/spool/etc/hosts"
	printf 'hosts: files\n' >"$W/spool/etc/nsswitch.conf"
	e2e_altdir_add
}

# e2e_postfix_start - start the instance and wait for its listeners
e2e_postfix_start() {
	local p
	mkdir -p "$W/spool/private"
	chown postfix "$W/data" "$W/spool/private"
	postfix -c "$W/etc" check >"$W/postfix-check.log" 2>&1 ||
	    { cat "$W/postfix-check.log"; exit 99; }
	postfix -c "$W/etc" start >"$W/postfix-start.log" 2>&1 ||
	    { cat "$W/postfix-start.log" "$W/maillog" 2>/dev/null; exit 99; }
	for p in "$@"; do
		e2e_wait_port "$p" || { say "port $p not listening"; exit 99; }
	done
}

e2e_postfix_stop() {
	postfix -c "$W/etc" stop >/dev/null 2>&1
}

# e2e_wait_port PORT - up to 10 s
e2e_wait_port() {
	local n
	n=0
	while e2e_port_free "$1"; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
	return 0
}

# e2e_wait_file PATH - up to 10 s for PATH to exist
e2e_wait_file() {
	local n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		[ $n -gt 100 ] && return 1
		sleep 0.1
	done
}

# e2e_milter_conf - write $W/milter.conf; extra "Key value" lines as args.
#	The socket lives in $E2E_MILTER_DIR (default: under the queue
#	directory, as init/postfix/main.cf.snippet has it), group
#	$E2E_SOCKET_GROUP (default postfix). The rules are a copy of
#	rules/default.rules in $W.
e2e_milter_conf() {
	local l
	: "${E2E_MILTER_DIR:=$W/spool/privacy-milter}"
	: "${E2E_SOCKET_GROUP:=postfix}"
	E2E_SOCK=$E2E_MILTER_DIR/privacy-milter.sock
	# A copy the child can re-read on reload wherever the checkout is (a
	# clone under /root is mode 700); the installed file when testing the
	# package.
	if [ "$PM_RULES_DIR" = "$top_srcdir/rules" ]; then
		cp "$PM_RULES_DIR/default.rules" "$W/default.rules"
		chmod 644 "$W/default.rules"
		E2E_RULES=$W/default.rules
	else
		E2E_RULES=$PM_RULES_DIR/default.rules
	fi
	if [ -z "$PM_UNIT" ]; then
		mkdir -p "$E2E_MILTER_DIR"
		chown "nobody:$E2E_SOCKET_GROUP" "$E2E_MILTER_DIR"
		chmod 750 "$E2E_MILTER_DIR"
	fi
	{
		# The installed configuration first, as an admin edits it.
		[ -n "$PM_CONF" ] && cat "$PM_CONF"
		printf 'Socket unix:%s\n' "$E2E_SOCK"
		printf 'PidFile %s\n' "$E2E_MILTER_DIR/privacy-milter.pid"
		printf 'UserID %s\n' "$PM_USER"
		printf 'SocketGroup %s\n' "$E2E_SOCKET_GROUP"
		printf 'SocketMode 0660\n'
		printf 'AuthservID %s\n' "$E2E_HOST"
		printf 'RulesFile %s\n' "$E2E_RULES"
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$W/milter.conf"
}

# e2e_unit_lines KEY - the unit's KEY= lines, /var/spool/postfix mapped to
#	the instance's queue directory, "+" (full privileges) dropped
e2e_unit_lines() {
	sed -n "s/^$1=+\{0,1\}//p" "$PM_UNIT" |
	    sed "s|/var/spool/postfix/|$W/spool/|g"
}

# e2e_milter_start - run the milter in the foreground (background job):
#	"PM_BIN -f -c milter.conf", or the unit's ExecStartPre and ExecStart
#	lines (PM_UNIT) with the settings of PM_DEFAULTS and the test's
#	configuration file
e2e_milter_start() {
	local n l
	if [ -n "$PM_UNIT" ]; then
		e2e_unit_lines ExecStartPre >"$W/unit.pre"
		while read -r l; do
			$l || { say "ExecStartPre failed: $l"; return 1; }
		done <"$W/unit.pre"
		e2e_unit_lines ExecStart >"$W/unit.start"
		(
			PRIVACY_MILTER_OPTS=
			[ -n "$PM_DEFAULTS" ] && . "$PM_DEFAULTS"
			PRIVACY_MILTER_CONF=$W/milter.conf
			eval "exec $(cat "$W/unit.start")"
		) >>"$W/milter.log" 2>&1 &
	else
		"$PM_BIN" -f -c "$W/milter.conf" >>"$W/milter.log" 2>&1 &
	fi
	E2E_MILTER_PID=$!
	n=0
	while [ ! -S "$E2E_SOCK" ]; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 $E2E_MILTER_PID 2>/dev/null; then
			say "milter did not start"
			cat "$W/milter.log"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

e2e_milter_stop() {
	local n
	[ -n "${E2E_MILTER_PID:-}" ] || return 0
	kill -TERM "$E2E_MILTER_PID" 2>/dev/null
	n=0
	while kill -0 "$E2E_MILTER_PID" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 50 ] && { kill -KILL "$E2E_MILTER_PID"; break; }
		sleep 0.1
	done
	wait "$E2E_MILTER_PID" 2>/dev/null
	E2E_MILTER_PID=
	rm -f "$E2E_SOCK"
}

# e2e_swaks_sub PORT BOX DATAFILE [swaks args] - an authenticated
#	submission (alice, SASL u7734x) to BOX@remote.test, logged in
#	$W/swaks.log
e2e_swaks_sub() {
	local port=$1 box=$2 data=$3
	shift 3
	swaks --server "127.0.0.1:$port" --ehlo laptop.home.lan \
	    -au u7734x -ap s3cret --from alice@e2e.test \
	    --to "$box@remote.test" --data "@$data" "$@" \
	    >>"$W/swaks.log" 2>&1
}

# e2e_count BOX - messages delivered to maildir BOX
e2e_count() {
	ls "$W/mail/$1/new" 2>/dev/null | wc -l
}

# e2e_wait_mail BOX N [SECONDS] - wait for N messages in BOX
e2e_wait_mail() {
	local lim n
	lim=$((${3:-20} * 10))
	n=0
	while [ "$(e2e_count "$1")" -lt "$2" ]; do
		n=$((n + 1))
		[ $n -gt $lim ] && return 1
		sleep 0.1
	done
	return 0
}

# e2e_msg BOX [N] - path of the Nth (default first) message in BOX, oldest first
e2e_msg() {
	ls -tr "$W/mail/$1/new"/* 2>/dev/null | sed -n "${2:-1}p"
}

# e2e_tls13 - our TLS header for a TLS 1.3 session (swaks --tls), as the
#	engine folds it at 78 columns
e2e_tls13() {
	printf '%s\n' "X-TLS-Info: $E2E_HOST; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384;
	bits=256; pfs=yes; client-cert=none"
}

# e2e_norm - replace the variable parts of header text: queue ids (and
#	Dovecot's LMTP session ids, base64 with + and /), dates
e2e_norm() {
	sed -E \
	    -e 's/([[:space:]]id) [0-9A-Za-z+/]{8,}([;: ]|$)/\1 QID\2/' \
	    -e 's/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ 0-9]?[0-9] [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} ([-+][0-9]{4}( \([A-Z]+\))?|GMT|UT)/DATE/'
}

# e2e_headers FILE - its header block (up to the empty line), normalised
e2e_headers() {
	sed -e '/^$/,$d' "$1" | e2e_norm
}

# e2e_qid FILE [TEXT] - the queue id in the first Received header this
#	instance's Postfix wrote ("by $E2E_HOST (Postfix" TEXT ... " id QID"),
#	that of the queue file the milter saw: TEXT ") with ESMTPS" picks
#	smtpd's, ")" pickup's or local(8)'s forward
e2e_qid() {
	sed -e '/^$/,$d' "$1" | awk -v by="by $E2E_HOST (Postfix${2:-}" '
	    function take() {
		if (!done && h ~ /^Received:/ && index(h, by) &&
		    match(h, / id [0-9A-Za-z]+/)) {
			print substr(h, RSTART + 4, RLENGTH - 4)
			done = 1
		}
	    }
	    /^[ \t]/ { sub(/^[ \t]+/, " "); h = h $0; next }
	    { take(); h = $0 }
	    END { take() }'
}

# e2e_milter_line QID - the milter's per-message line(s) for QID
#	(LogLevel 2), from "QID:" on
e2e_milter_line() {
	sed -n "s/^.*[[:space:]]\\($1: .*changed=.*\\)$/\\1/p" "$W/milter.log"
}

# ok / fail - TAP-like case results
ok() {
	E2E_CASE=$((E2E_CASE + 1))
	E2E_PASS=$((E2E_PASS + 1))
	say "ok $E2E_CASE - $1"
}

fail() {
	local m
	E2E_CASE=$((E2E_CASE + 1))
	E2E_FAIL=$((E2E_FAIL + 1))
	say "not ok $E2E_CASE - $1"
	shift
	for m in "$@"; do
		printf '%s\n' "$m" | sed 's/^/#   /'
	done
}

# e2e_expect NAME EXPECTED_FILE ACTUAL_FILE - exact comparison
e2e_expect() {
	if diff -u "$2" "$3" >"$W/diff.out" 2>&1; then
		ok "$1"
	else
		fail "$1" "headers differ (expected, actual):"
		sed 's/^/#   /' "$W/diff.out"
	fi
}

# e2e_finish - summary line and exit status
e2e_finish() {
	say "# $E2E_PASS passed, $E2E_FAIL failed"
	[ "$E2E_FAIL" -eq 0 ] || exit 1
	exit 0
}
