#!/bin/bash
# tests/e2e/sendmail.sh -- privacy-milter behind a real Sendmail, end to end
#
# NAME
#	sendmail.sh - authenticated submission over STARTTLS through
#	Debian's Sendmail (8.17 on Debian 12, 8.18 on Debian 13) with
#	INPUT_MAIL_FILTER from init/sendmail/
# DESCRIPTION
#	Debian's sendmail-bin and postfix packages conflict, so Sendmail is
#	never installed here: when it is not installed already, the test
#	fetches sendmail-bin, sendmail-cf, sasl2-bin, libsasl2-modules (the
#	PLAIN and LOGIN mechanisms) and the library packages they need that
#	the machine lacks with "apt-get download" and unpacks them with dpkg -x into $PM_SENDMAIL_ROOT
#	(default /var/tmp/pm-e2e-sendmail, kept between runs). Sendmail runs
#	as root with its own .cf (built with m4 from an .mc this test writes,
#	including init/sendmail/privacy-milter.mc), its own queue, on two
#	127.0.0.1 ports (MTA, MSA), relaying everything to a local smtp-sink
#	whose dump files the test reads. It runs chrooted into a directory of
#	its own ($W/smroot: the binary without its setgid bit, the libraries
#	ldd names, the SASL plugins, /etc/hosts, passwd, group and the Cyrus
#	SASL files), because two things Sendmail reads cannot be moved by
#	option: its own host name, which must resolve to a name with a dot
#	(else Sendmail sleeps a minute at start), and the SASL config
#	directory that libsasl2 only looks for under /etc/sasl2 or /usr/lib
#	(Sendmail clears the environment, so SASL_CONF_PATH is not read).
#	No namespace and no mount is needed: a plain chroot(8) as root works
#	in containers and chroots where unshare(1) does not. The milter's
#	socket lives inside that directory. Nothing outside $W and the
#	unpacked packages is changed.
#
#	Cases: the Thunderbird-style submission arrives with the client's
#	identity gone from every header (Sendmail's own Received through the
#	confRECEIVED_HEADER of privacy-milter.mc, the rest by the milter), the
#	TLS header present; an unauthenticated inbound message is unchanged
#	but for the TLS header (a forged copy removed); with the milter
#	stopped the client gets a 4xx (F=T) and nothing is relayed, and its
#	retry once the milter is back goes out scrubbed.
#
#	Exit 77 when not root, PM_E2E=0, or Sendmail cannot be had (no
#	installed package and no download), or m4, chroot, ldd, smtp-sink or
#	swaks are missing.

. "$(dirname "$0")/lib.sh"

e2e_require swaks openssl m4 chroot ldd smtp-sink
[ -x "$PM_BIN" ] || { say "SKIP: $PM_BIN not built"; exit 77; }

# sm_libs - the library packages Sendmail and the SASL tools need that
# this machine lacks (Debian 13 has no libwrap0 unless something pulled
# it in): unpacked beside them, found through SM_LIBPATH
sm_libs() {
	local p
	for p in sendmail-bin sasl2-bin libsasl2-modules libsasl2-modules-db; do
		apt-cache depends --no-recommends --no-suggests --no-conflicts \
		    --no-breaks --no-replaces --no-enhances "$p" 2>/dev/null |
		    sed -n 's/^ *|\{0,1\}Depends: \(lib[^ <>]*\)$/\1/p'
	done | sort -u | while read -r p; do
		dpkg -s "$p" >/dev/null 2>&1 || echo "$p"
	done
}

# sm_locate - set SM_BIN, SM_CF, SM_SASLPASSWD, SM_PLUGINS (the SASL
# mechanism directory), SM_LIBPATH and SM_ROOT (where the packages were
# unpacked; empty when installed): installed, else unpacked
sm_locate() {
	local r f
	SM_LIBPATH= SM_ROOT=
	for f in /usr/libexec/sendmail/sendmail /usr/lib/sm.bin/sendmail; do
		if [ -x "$f" ] && [ -f /usr/share/sendmail/cf/m4/cf.m4 ] &&
		    command -v saslpasswd2 >/dev/null 2>&1 &&
		    ls /usr/lib/*/sasl2/libplain.so* >/dev/null 2>&1; then
			SM_BIN=$f
			SM_CF=/usr/share/sendmail/cf
			SM_SASLPASSWD=$(command -v saslpasswd2)
			SM_PLUGINS=$(echo /usr/lib/*/sasl2)
			return 0
		fi
	done
	r=${PM_SENDMAIL_ROOT:-/var/tmp/pm-e2e-sendmail}
	if [ ! -x "$r/usr/libexec/sendmail/sendmail" ] ||
	    [ ! -x "$r/usr/sbin/saslpasswd2" ] ||
	    ! ls "$r"/usr/lib/*/sasl2/libplain.so* >/dev/null 2>&1 ||
	    [ "$(sm_libs | tr '\n' ' ')" != "$(cat "$r/libs" 2>/dev/null)" ]; then
		rm -rf "$r/debs" && mkdir -p "$r/debs" || return 1
		sm_libs | tr '\n' ' ' >"$r/libs"
		(cd "$r/debs" && apt-get download sendmail-bin sendmail-cf \
		    sasl2-bin libsasl2-modules libsasl2-modules-db $(cat "$r/libs")) \
		    >"$r/download.log" 2>&1 || return 1
		for f in "$r"/debs/*.deb; do
			dpkg -x "$f" "$r" || return 1
		done
	fi
	SM_ROOT=$r
	SM_BIN=$r/usr/libexec/sendmail/sendmail
	SM_CF=$r/usr/share/sendmail/cf
	SM_SASLPASSWD=$r/usr/sbin/saslpasswd2
	SM_PLUGINS=$(echo "$r"/usr/lib/*/sasl2)
	SM_LIBPATH=$(dirname "$SM_PLUGINS"):$r/lib/$(basename "$(dirname "$SM_PLUGINS")")
	[ -x "$SM_BIN" ] && [ -f "$SM_CF/m4/cf.m4" ] && [ -x "$SM_SASLPASSWD" ] &&
	    [ -d "$SM_PLUGINS" ]
}
sm_locate || { say "SKIP: no Sendmail (install or apt-get download failed)"; exit 77; }

# sm_copy FILE... - copy into the chroot $C the shared libraries that ldd
# says FILEs (already in $C) need
sm_copy() {
	local f l d
	for f in "$@"; do
		if LD_LIBRARY_PATH=$SM_LIBPATH ldd "$f" 2>&1 | grep 'not found'; then
			say "$f: a library is missing"
			return 1
		fi
		for l in $(LD_LIBRARY_PATH=$SM_LIBPATH ldd "$f" 2>/dev/null |
		    grep -o '/[^ ]*'); do
			# An unpacked library goes where the loader looks.
			d=${l#"${SM_ROOT:-/nonexistent}"}
			[ -e "$C$d" ] && continue
			mkdir -p "$C$(dirname "$d")"
			cp -L "$l" "$C$d" || return 1
		done
	done
}

E2E_HOST=sm.e2e.test
D=$top_srcdir/tests/e2e/data
e2e_workdir
e2e_ports 3
P_MTA=$P1 P_MSA=$P2 P_SINK=$P3
S=$W/sendmail
C=$W/smroot
mkdir -p "$S" "$W/sink" "$C/dev" "$C/tmp" "$C/spool/mqueue" \
    "$C/etc/mail" "$C/etc/sasl2" "$C/usr/sbin" "$C/ssl"
chmod 755 "$C" "$C/etc" "$C/etc/mail" "$C/spool"
chmod 1777 "$C/tmp"
chmod 700 "$C/spool/mqueue"
chown nobody "$W/sink"
: >"$C/etc/mail/aliases"
: >"$C/etc/mail/local-host-names"

# The chroot: the binary without its setgid bit (so it is not "unsafe"
# to libsasl2), its libraries, the SASL mechanisms (where libsasl2 looks
# for them: /usr/lib/ARCH/sasl2) and their libraries, /dev/null, and name
# service files of its own: the host name resolves to $E2E_HOST, with a
# dot, from files only.
SM_MECHS=/usr/lib/$(basename "$(dirname "$SM_PLUGINS")")/sasl2
cp "$SM_BIN" "$C/usr/sbin/sendmail" && chmod 755 "$C/usr/sbin/sendmail" &&
    sm_copy "$C/usr/sbin/sendmail" && mkdir -p "$C$SM_MECHS" &&
    cp -L "$SM_PLUGINS"/*.so "$C$SM_MECHS/" && sm_copy "$C$SM_MECHS"/*.so &&
    cp -a /dev/null "$C/dev/null" ||
    { say "cannot build Sendmail's chroot in $C"; exit 99; }
# 127.0.0.1 is "localhost" (the reverse name in Received); the host
# name's first dotted alias is $E2E_HOST.
printf '127.0.0.1\tlocalhost %s %s\n' "$E2E_HOST" "$(hostname)" >"$C/etc/hosts"
printf 'hosts: files\npasswd: files\ngroup: files\n' >"$C/etc/nsswitch.conf"
grep -E '^(root|daemon|nobody|mail):' /etc/passwd >"$C/etc/passwd"
grep -E '^(root|daemon|nogroup|mail|smmsp):' /etc/group >"$C/etc/group"
[ -f /etc/localtime ] && cp -L /etc/localtime "$C/etc/localtime"

e2e_certs
cp "$W/ssl/ca.pem" "$W/ssl/server.pem" "$W/ssl/server.key" "$C/ssl/"
# The user for SMTP AUTH: Cyrus sasldb, realm = Sendmail's $j.
printf 's3cret' | SASL_PATH=$SM_PLUGINS LD_LIBRARY_PATH=$SM_LIBPATH \
    "$SM_SASLPASSWD" -p \
    -f "$C/etc/sasl2/sasldb2" -u "$E2E_HOST" -c u7734x ||
    { say "saslpasswd2 failed"; exit 99; }
cat >"$C/etc/sasl2/Sendmail.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: /etc/sasl2/sasldb2
mech_list: PLAIN LOGIN
EOF

# The milter's socket inside the chroot, where Sendmail sees it as
# /milter/privacy-milter.sock.
E2E_MILTER_DIR=$C/milter E2E_SOCKET_GROUP=root
e2e_milter_conf "LogLevel 2"
e2e_milter_start || exit 99

# The .mc: a minimal Sendmail relaying everything to the sink, and the
# lines of init/sendmail/privacy-milter.mc with the test's socket.
{
	cat <<EOF
divert(0)dnl
VERSIONID(\`privacy-milter e2e')dnl
OSTYPE(\`linux')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`accept_unresolvable_domains')dnl
define(\`confDOMAIN_NAME', \`$E2E_HOST')dnl
define(\`QUEUE_DIR', \`/spool/mqueue')dnl
define(\`STATUS_FILE', \`/spool/statistics')dnl
define(\`ALIAS_FILE', \`/etc/mail/aliases')dnl
define(\`confPID_FILE', \`/spool/sendmail.pid')dnl
define(\`confCW_FILE', \`-o /etc/mail/local-host-names')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confCR_FILE', \`-o /etc/mail/relay-domains')dnl
define(\`confSERVICE_SWITCH_FILE', \`/etc/mail/service.switch')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $P_SINK')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
define(\`confSERVER_CERT', \`/ssl/server.pem')dnl
define(\`confSERVER_KEY', \`/ssl/server.key')dnl
define(\`confCACERT', \`/ssl/ca.pem')dnl
define(\`confCACERT_PATH', \`/ssl')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=$P_MTA, Addr=127.0.0.1')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MSA, Port=$P_MSA, Addr=127.0.0.1, M=Ea')dnl
EOF
	sed "s|/run/privacy-milter/privacy-milter.sock|/milter/privacy-milter.sock|" \
	    "$top_srcdir/init/sendmail/privacy-milter.mc"
	printf '%s\n' "MAILER(\`local')dnl" "MAILER(\`smtp')dnl"
} >"$S/e2e.mc"
# Inbound mail for e2e.test is accepted and relayed to the sink too.
printf 'e2e.test\n' >"$C/etc/mail/relay-domains"
# Host names from /etc/hosts only: no DNS (slow or absent on test machines).
printf 'hosts\tfiles\naliases\tfiles\n' >"$C/etc/mail/service.switch"
m4 -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$S/e2e.mc" >"$C/etc/mail/e2e.cf" \
    2>"$S/m4.err" || { cat "$S/m4.err"; exit 99; }
grep -q '^Xprivacy-milter, S=local:/milter/privacy-milter.sock,' "$C/etc/mail/e2e.cf" ||
    { say "INPUT_MAIL_FILTER missing from the .cf"; exit 99; }

# Its version, as its own Received header writes it (8.17.1.9 on Debian
# 12, 8.18.1 on Debian 13).
SM_VERSION=$(chroot "$C" /usr/sbin/sendmail -C /etc/mail/e2e.cf -d0.1 -bt \
    </dev/null 2>/dev/null | sed -n 's/^Version \([0-9][0-9.]*\).*/\1/p')
[ -n "$SM_VERSION" ] || { say "cannot read Sendmail's version"; exit 99; }

smtp-sink -u nobody -d "$W/sink/%H%M%S." "127.0.0.1:$P_SINK" 10 \
    >"$W/sink.log" 2>&1 &
SINK_PID=$!
chroot "$C" /usr/sbin/sendmail -C /etc/mail/e2e.cf -bD \
    >"$S/sendmail.out" 2>&1 &
SM_PID=$!
sm_stop() {
	kill "$SM_PID" "$SINK_PID" 2>/dev/null
	wait "$SM_PID" "$SINK_PID" 2>/dev/null
}
E2E_CLEANUP_HOOK=sm_stop
for p in $P_MTA $P_MSA $P_SINK; do
	e2e_wait_port "$p" || e2e_wait_port "$p" ||
	    { say "port $p not listening"; cat "$S/sendmail.out"; exit 99; }
done

# sink_count / sink_msg N - the sink's dump files
sink_count() { ls "$W/sink" | wc -l; }
# sink_wait N LAST - N dumps, the Nth complete (its body's last line LAST
# written; the sink adds empty lines after it)
sink_wait() {
	local n=0
	while [ "$(sink_count)" -lt "$1" ] ||
	    ! grep -qx "$2" "$(sink_msg "$1")"; do
		n=$((n + 1))
		[ $n -gt 200 ] && return 1
		sleep 0.1
	done
}
sink_msg() { ls -tr "$W/sink"/* 2>/dev/null | sed -n "${1}p"; }
# sink_headers FILE - the message's header block without the sink's
# envelope lines and its own Received header
sink_headers() {
	sed -e '/^$/,$d' "$1" |
	    awk '/^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args):/ { next }
		/^Received: from .*/ && !seen { skip = 1; seen = 1; next }
		skip && /^[ \t]/ { next }
		{ skip = 0; print }' | e2e_norm
}

# --- 1. authenticated submission over STARTTLS (MSA port)
c1() {
	local name f
	name="sendmail submission STARTTLS+SASL"
	sed 's/remote\.test/remote.example/g' "$D/submission.eml" >"$W/sub.eml"
	swaks --server "127.0.0.1:$P_MSA" --ehlo laptop.home.lan --tls \
	    -au u7734x -ap s3cret --from alice@e2e.test \
	    --to bob@remote.example --data "@$W/sub.eml" >>"$W/swaks.log" 2>&1 ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	sink_wait 1 Alice || { fail "$name: relayed"; return; }
	f=$(sink_msg 1)
	cat >"$W/exp.1" <<EOF
Received: by $E2E_HOST ($SM_VERSION/$SM_VERSION) with ESMTPSA id QID
	for <bob@remote.example>; DATE
$(e2e_tls13)
Received: by [redacted] with esmtp (Exim 4.96)
	id 1t9XyZ-000123-AB
	for bob@remote.example; DATE
Message-ID: <4f1c2a3b-5d6e-4f70-8a9b-0c1d2e3f4a5b@e2e.test>
Date: DATE
MIME-Version: 1.0
Content-Language: en-US
To: Bob <bob@remote.example>
From: Alice <alice@e2e.test>
Subject: Minutes of Monday's meeting
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit
EOF
	sink_headers "$f" >"$W/got.1"
	e2e_expect "$name: relayed headers" "$W/exp.1" "$W/got.1"
	if grep -n -E '127\.0\.0\.1|localhost|laptop|home\.lan|192\.168\.1\.5|95\.91\.1\.2|u7734x|authenticated|Thunderbird|X-Originating' \
	    "$W/got.1" >"$W/hits"; then
		fail "$name: no client identity in any header" "$(cat "$W/hits")"
	else
		ok "$name: no client identity in any header"
	fi
}

# --- 2. inbound, unauthenticated, STARTTLS (MTA port): only the TLS header
c2() {
	local name f
	name="sendmail inbound unauthenticated"
	# A forged copy of our TLS header (our authserv-id) comes in too.
	sed "s/^X-TLS-Info: mx\\.e2e\\.test;/X-TLS-Info: $E2E_HOST;/" \
	    "$D/inbound.eml" >"$W/in.eml"
	swaks --server "127.0.0.1:$P_MTA" --ehlo out.sender.example --tls \
	    --from someone@sender.example --to dave@e2e.test \
	    --data "@$W/in.eml" >>"$W/swaks.log" 2>&1 ||
	    { fail "$name: accepted" "$(tail -5 "$W/swaks.log")"; return; }
	sink_wait 2 hello || { fail "$name: relayed"; return; }
	f=$(sink_msg 2)
	{
		cat <<EOF
Received: from out.sender.example (localhost [127.0.0.1])
	by $E2E_HOST ($SM_VERSION/$SM_VERSION) with ESMTPS id QID
	(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO)
	for <dave@e2e.test>; DATE
$(e2e_tls13)
EOF
		e2e_headers "$W/in.eml" | grep -v '^X-TLS-Info:'
	} >"$W/exp.2"
	sink_headers "$f" >"$W/got.2"
	e2e_expect "$name: unchanged but for the TLS header" "$W/exp.2" "$W/got.2"
}

# --- 3. milter down: F=T makes Sendmail answer 4xx, nothing is relayed;
# up again: the client's retry goes out scrubbed.
c3() {
	local name f
	name="sendmail milter stopped"
	e2e_milter_stop
	if swaks --server "127.0.0.1:$P_MSA" --ehlo laptop.home.lan --tls \
	    -au u7734x -ap s3cret --from alice@e2e.test \
	    --to bob@remote.example --data "@$W/sub.eml" >"$W/swaks3.log" 2>&1; then
		fail "$name: client gets 4xx" "$(tail -5 "$W/swaks3.log")"
	elif grep -q '^<\*\* *4[0-9][0-9] ' "$W/swaks3.log"; then
		ok "$name: client gets 4xx ($(grep -m1 '^<\*\* *4' "$W/swaks3.log" | cut -c5-))"
	else
		fail "$name: client gets 4xx" "$(tail -5 "$W/swaks3.log")"
	fi
	sleep 1
	if [ "$(sink_count)" -eq 2 ]; then
		ok "$name: nothing relayed"
	else
		fail "$name: nothing relayed"
	fi
	e2e_milter_start || { fail "$name: milter restarts"; return; }
	swaks --server "127.0.0.1:$P_MSA" --ehlo laptop.home.lan --tls \
	    -au u7734x -ap s3cret --from alice@e2e.test \
	    --to bob@remote.example --data "@$W/sub.eml" >>"$W/swaks.log" 2>&1 ||
	    { fail "$name: retry accepted" "$(tail -5 "$W/swaks.log")"; return; }
	sink_wait 3 Alice || { fail "$name: retry relayed"; return; }
	sink_headers "$(sink_msg 3)" >"$W/got.3"
	e2e_expect "$name: retry relayed scrubbed" "$W/exp.1" "$W/got.3"
}

c1
c2
c3
if [ "$E2E_FAIL" -gt 0 ]; then
	say "# --- sendmail output"
	tail -n 20 "$S/sendmail.out" | sed 's/^/# /'
	say "# --- milter log (tail)"
	tail -n 20 "$W/milter.log" | sed 's/^/# /'
fi
e2e_finish
