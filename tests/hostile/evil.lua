-- tests/hostile/evil.lua -- a header that sends a backtracking rule over
-- its match limit (tests/hostile/failpolicy.sh). Globals: sock, lib, want
-- ("tempfail" or "continue").
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587",
    host = "laptop77.dyn.example.net", ip = "203.0.113.77"})
message(conn, {qid = "4EVILQ1", auth = "alice", headers = {
    {"Received", " from laptop77.lan ([203.0.113.77]) by nas.home.lan with ESMTPSA id 1"},
    {"User-Agent", " Thunderbird"},
    {"X-Evil", " " .. string.rep("a", 64) .. "b"},
    {"Subject", " evil"}}})
local r = mt.getreply(conn)
print("reply: " .. tostring(r))
if want == "tempfail" then
	-- SMFIR_REPLYCODE: a tempfail with its own 4xx text (smfi_setreply)
	check(r == SMFIR_TEMPFAIL or r == SMFIR_REPLYCODE,
	    "answered tempfail (message not passed)")
	check(not mt.eom_check(conn, MT_HDRDELETE, "User-Agent"), "no edit made")
else
	check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT,
	    "answered continue or accept (OnError=accept)")
end
mt.disconnect(conn)
