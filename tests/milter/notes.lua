-- tests/milter/notes.lua -- log and log-only rules change nothing.
-- Globals: sock, lib.
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = "NOTES1", auth = "alice", headers = {
    {"User-Agent", " Thunderbird"}, {"X-Mailer", " Mutt"}, {"Subject", " s"}}})
reply_is(conn, SMFIR_CONTINUE, "answered continue")
check(not mt.eom_check(conn, MT_HDRDELETE), "nothing removed")
check(not mt.eom_check(conn, MT_HDRADD), "nothing added")
mt.disconnect(conn)
