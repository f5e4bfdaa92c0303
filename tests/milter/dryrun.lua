-- tests/milter/dryrun.lua -- with DryRun the milter answers and changes
-- nothing. Globals: sock, lib.
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587",
    tls = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}})
message(conn, {qid = "DRY1", auth = "alice", headers = {
    {"User-Agent", " Thunderbird"}, {"Subject", " s"}}})
reply_is(conn, SMFIR_CONTINUE, "answered continue")
check(not mt.eom_check(conn, MT_HDRDELETE), "nothing removed")
check(not mt.eom_check(conn, MT_HDRCHANGE), "nothing changed")
check(not mt.eom_check(conn, MT_HDRINSERT), "nothing inserted")
mt.disconnect(conn)
