-- tests/milter/final.lua -- which rules are in effect: prints the value of
-- the X-Rules-Version header the milter adds. Globals: sock, lib.
dofile(lib)
local conn = open(sock)
connection(conn, {daemon = "submission", port = "587"})
message(conn, {qid = "FINAL", auth = "alice", headers = {
    {"User-Agent", " Thunderbird"}, {"Subject", " final"}}})
reply_is(conn, SMFIR_CONTINUE, "answered continue")
print("X-Rules-Version:" .. tostring(mt.getheader(conn, "X-Rules-Version", 0)))
mt.disconnect(conn)
