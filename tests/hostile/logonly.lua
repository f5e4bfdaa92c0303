-- tests/hostile/logonly.lua -- a message under a log-only "add" rule
-- (tests/hostile/failpolicy.sh): answered continue, nothing added.
-- Globals: sock, lib.
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = "4LOGONLY1", auth = "alice", headers = {{"Subject", " s"}}})
reply_is(conn, SMFIR_CONTINUE, "answered continue")
check(not mt.eom_check(conn, MT_HDRADD, "X-Scrubbed"), "nothing added (log-only)")
mt.disconnect(conn)
