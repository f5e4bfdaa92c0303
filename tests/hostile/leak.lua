-- tests/hostile/leak.lua -- one authenticated submission full of personal
-- data, for tests/hostile/privilege.sh (which greps the log afterwards).
-- Globals: sock, lib (tests/milter/lib.lua).
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587",
    host = "laptop77.dyn.example.net", ip = "203.0.113.77",
    tls = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}})
message(conn, {qid = "4LEAKQ1", auth = "alice.secret", headers = {
    {"Received", " from laptop77.lan (laptop77.dyn.example.net [203.0.113.77])\n" ..
        "\t(Authenticated sender: alice.secret)\n" ..
        "\tby nas.home.lan (Postfix) with ESMTPSA id 8F3C1; Mon, 23 Nov 2026 10:15:01 +0100"},
    {"User-Agent", " SecretAgent/9.9"},
    {"X-Originating-IP", " [203.0.113.77]"},
    {"X-Forwarded-For", " 203.0.113.77"},
    {"Subject", " leak test"}}})
reply_is(conn, SMFIR_CONTINUE, "answered continue")
check(mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), "User-Agent removed")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Originating-IP"), "X-Originating-IP removed")
check(mt.eom_check(conn, MT_HDRCHANGE, "Received"), "Received changed")
mt.disconnect(conn)
