-- tests/milter/failpolicy.lua -- a message the engine cannot filter (a
-- pseudonymize rule without a key). Globals: sock, lib, policy
-- ("tempfail": 451 4.7.0 expected; "accept": passed unchanged).
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = "FAIL1", auth = "alice", headers = {
    {"User-Agent", " Thunderbird"}, {"Subject", " s"}}})
if policy == "tempfail" then
	reply_is(conn, SMFIR_REPLYCODE, "answered with a reply code")
	check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.0",
	    "Message not filtered, try again later"),
	    "451 4.7.0 (the client tries again later)")
else
	reply_is(conn, SMFIR_ACCEPT, "answered accept")
	check(not mt.eom_check(conn, MT_HDRDELETE), "nothing removed")
	check(not mt.eom_check(conn, MT_HDRINSERT), "nothing inserted")
end
mt.disconnect(conn)
