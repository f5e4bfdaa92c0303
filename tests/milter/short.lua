-- tests/milter/short.lua -- one authenticated message; must be scrubbed.
-- Globals: sock, lib, qid.
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = qid, auth = "alice", headers = {
    {"User-Agent", " Thunderbird"}, {"Subject", " s"}}})
reply_is(conn, SMFIR_CONTINUE, qid .. ": answered continue")
check(mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), qid .. ": User-Agent removed")
mt.disconnect(conn)
