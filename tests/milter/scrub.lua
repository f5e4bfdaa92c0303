-- tests/milter/scrub.lua -- what the default rules and the TLS header do
-- to typical sessions, checked on the MTA side of the protocol.
-- Globals from the command line: sock (milter socket), lib (lib.lua).
dofile(lib)

local RCVD = " from laptop (ip5b.dyn.example.net [95.91.1.2])\n" ..
    "\tby relay.home.lan (Postfix) with ESMTP id 4XyZ1;\n" ..
    "\tMon, 1 Jan 2024 10:00:00 +0000"
local RCVD_SCRUBBED = " by [redacted] (Postfix) with ESMTP id 4XyZ1;\n" ..
    "\tMon, 1 Jan 2024 10:00:00 +0000"
local TLS13 = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}
local TLS12 = {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "128"}
local TLS13_HDR = " mx.test.example; version=TLSv1.3;" ..
    " cipher=TLS_AES_256_GCM_SHA384;\n\tbits=256; pfs=yes; client-cert=none"
local TLS12_HDR = " mx.test.example; version=TLSv1.2;" ..
    "\n\tcipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; bits=128; pfs=yes;" ..
    "\n\tclient-cert=none"
local NONE_HDR = " mx.test.example; tls=none"

local function submission(conn, qid, extra)
	local h = {
		{"Received", RCVD},
		{"User-Agent", " Mozilla/5.0 Thunderbird/115.6.0"},
		{"From", " Alice <alice@example.org>"},
		{"Subject", " hello"},
	}
	for _, x in ipairs(extra or {}) do
		h[#h + 1] = x
	end
	message(conn, {qid = qid, auth = "alice", headers = h})
end

-- 1. Authenticated submission over TLS 1.3.
print("case: authenticated submission over TLS 1.3")
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587", tls = TLS13})
submission(conn, "SUB13")
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(mt.eom_check(conn, MT_HDRCHANGE, "Received", RCVD_SCRUBBED),
    "Received: from clause and LAN host removed, with/id/date kept")
check(mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), "User-Agent removed")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", TLS13_HDR, 1),
    "X-TLS-Info inserted at index 1: version, IANA cipher, bits, pfs")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject untouched")
check(not mt.eom_check(conn, MT_HDRADD), "nothing appended")

-- 2. A second message on the same connection: state is per message.
print("case: second message, same connection, not authenticated")
message(conn, {qid = "SUB13B", headers = {{"Received", RCVD},
    {"User-Agent", " Thunderbird"}}})
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(not mt.eom_check(conn, MT_HDRCHANGE), "nothing changed without auth")
check(not mt.eom_check(conn, MT_HDRDELETE), "nothing removed without auth")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", TLS13_HDR, 1),
    "TLS facts kept for the connection")
mt.disconnect(conn)

-- 3. TLS 1.2: the OpenSSL cipher name becomes the IANA name.
print("case: authenticated submission over TLS 1.2")
conn = open(sock)
connection(conn, {daemon = "submission", port = "587", tls = TLS12})
submission(conn, "SUB12")
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", TLS12_HDR, 1),
    "ECDHE-RSA-AES128-GCM-SHA256 written as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
mt.disconnect(conn)

-- 4. The EHLO after STARTTLS brings the TLS macros.
print("case: HELO before STARTTLS without TLS, EHLO after it with TLS")
conn = open(sock)
connection(conn, {daemon = "submission", port = "587", tls = TLS13,
    helo2 = true})
submission(conn, "SUBEHLO")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", TLS13_HDR, 1),
    "TLS facts from the second EHLO")
mt.disconnect(conn)

-- 5. A client that skips the second EHLO: TLS macros at MAIL.
print("case: TLS macros only at MAIL")
conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = "SUBMAIL", auth = "alice", mail_tls = TLS13,
    headers = {{"Subject", " x"}}})
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", TLS13_HDR, 1),
    "TLS facts from the MAIL macros")
mt.disconnect(conn)

-- 6. Plain-text inbound mail: tls=none, nothing else touched.
print("case: plain-text inbound connection")
conn = open(sock)
connection(conn, {daemon = "mx.test.example", port = "25",
    host = "mail.sender.example", ip = "198.51.100.7"})
message(conn, {qid = "IN1", from = "<bob@sender.example>", headers = {
    {"Received", RCVD},
    {"User-Agent", " Thunderbird"},
    {"X-TLS-Info", " other.example.net; version=TLSv1.3"},
    {"Subject", " inbound"}}})
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", NONE_HDR, 1),
    "X-TLS-Info: mx.test.example; tls=none inserted at index 1")
check(not mt.eom_check(conn, MT_HDRCHANGE), "no header changed")
check(not mt.eom_check(conn, MT_HDRDELETE),
    "no header removed (X-TLS-Info of another authserv-id kept)")
mt.disconnect(conn)

-- 7. A forged X-TLS-Info carrying our authserv-id is removed.
print("case: forged X-TLS-Info with our authserv-id")
conn = open(sock)
connection(conn, {daemon = "mx.test.example", port = "25",
    host = "mail.sender.example", ip = "198.51.100.7"})
message(conn, {qid = "IN2", from = "<bob@sender.example>", headers = {
    {"X-TLS-Info", " mx.test.example; version=TLSv1.3;" ..
        " cipher=TLS_AES_256_GCM_SHA384; bits=256; pfs=yes"},
    {"Subject", " forged"}}})
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(mt.eom_check(conn, MT_HDRDELETE, "X-TLS-Info"), "forged copy removed")
check(mt.eom_check(conn, MT_HDRINSERT, "X-TLS-Info", NONE_HDR, 1),
    "the true one (tls=none) inserted")
mt.disconnect(conn)

-- 8. Local submission (sendmail/pickup): 127.0.0.1 port 0, no TLS, no auth.
print("case: local submission, 127.0.0.1 port 0")
conn = open(sock)
connection(conn, {host = "localhost", ip = "unspec",
    client_addr = "127.0.0.1", client_port = "0"})
message(conn, {qid = "LOCAL1", from = "<alice@example.org>", headers = {
    {"Received", RCVD},
    {"User-Agent", " Mutt/2.2.9"},
    {"Subject", " local"}}})
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(mt.eom_check(conn, MT_HDRCHANGE, "Received", RCVD_SCRUBBED),
    "Received scrubbed")
check(mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), "User-Agent removed")
check(not mt.eom_check(conn, MT_HDRINSERT), "no TLS header for a local submission")
mt.disconnect(conn)

-- 9. A header signed by DKIM is left alone.
print("case: DKIM-signed User-Agent")
conn = open(sock)
connection(conn, {daemon = "submission", port = "587", tls = TLS13})
message(conn, {qid = "DKIM1", auth = "alice", headers = {
    {"DKIM-Signature", " v=1; a=rsa-sha256; d=example.org; s=s1;\n" ..
        "\th=from:subject:user-agent; bh=AAAA; b=BBBB"},
    {"Received", RCVD},
    {"User-Agent", " Thunderbird"},
    {"Subject", " signed"}}})
reply_is(conn, SMFIR_CONTINUE, "accepted")
check(not mt.eom_check(conn, MT_HDRDELETE), "signed User-Agent not removed")
check(mt.eom_check(conn, MT_HDRCHANGE, "Received", RCVD_SCRUBBED),
    "unsigned Received still scrubbed")
mt.disconnect(conn)
print("scrub: all cases passed")
