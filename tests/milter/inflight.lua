-- tests/milter/inflight.lua -- a session that is in progress when the
-- milter is told to stop: it must be finished, not cut off.
-- Globals: sock, lib, pause (seconds between the headers and the end).
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587",
    tls = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}})
mt.macro(conn, SMFIC_MAIL, "i", "INFLIGHT", "{auth_authen}", "alice")
mt.mailfrom(conn, "<alice@example.org>")
mt.header(conn, "User-Agent", " Thunderbird")
print("session started, pausing " .. pause .. " s")
mt.sleep(tonumber(pause))
local r = mt.eom(conn)
check(r == nil, "end of message sent after the stop request")
reply_is(conn, SMFIR_CONTINUE, "end of message answered: continue")
check(mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), "User-Agent removed")
mt.disconnect(conn)
