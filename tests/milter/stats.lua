-- tests/milter/stats.lua -- a known sequence of sessions for the counters
-- (tests/milter/stats.sh). Globals: sock, lib.
--   1. TLS 1.3, authenticated: two messages (a named rule hits in one)
--   2. TLS 1.2, authenticated: one message
--   3. plain text, inbound: one message
--   4. local submission (127.0.0.1 port 0): one message
--   5. TLS 1.3, authenticated, forwarded (Delivered-To): one message
--   6. TLS 1.3, authenticated: a message the engine cannot filter
--      (pseudonymize without a key): 451, the fail policy
dofile(lib)
local TLS13 = {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}
local TLS12 = {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "128"}
local SUB = {daemon = "submission", port = "587", host = "laptop.example.net",
    ip = "192.0.2.10"}

local function session(s, msgs)
	local conn = open(sock)
	connection(conn, s)
	for _, m in ipairs(msgs) do
		message(conn, m)
		reply_is(conn, m.want or SMFIR_CONTINUE, m.qid .. " answered")
	end
	mt.disconnect(conn)
end

local s = {}
for k, v in pairs(SUB) do s[k] = v end
s.tls = TLS13
session(s, {
    {qid = "A1", auth = "alice", headers = {{"User-Agent", " Thunderbird"},
        {"X-Test-Secret", " 42"}, {"Subject", " one"}}},
    {qid = "A2", auth = "alice", headers = {{"Subject", " two"}}}})
s.tls = TLS12
session(s, {{qid = "B1", auth = "alice", headers = {{"Subject", " three"}}}})
session({daemon = "mx.test.example", port = "25", host = "mx.sender.example",
    ip = "198.51.100.7"},
    {{qid = "C1", from = "<bob@sender.example>",
        headers = {{"X-Test-Secret", " inbound"}, {"Subject", " four"}}}})
session({host = "localhost", ip = "unspec", client_addr = "127.0.0.1",
    client_port = "0"},
    {{qid = "D1", headers = {{"User-Agent", " Mutt"}, {"Subject", " five"}}}})
s.tls = TLS13
session(s, {{qid = "E1", auth = "alice", headers = {
    {"Delivered-To", " alice@example.org"}, {"Subject", " six"}}}})
session(s, {{qid = "F1", auth = "alice", want = SMFIR_REPLYCODE, headers = {
    {"X-Fail", " x"}, {"Subject", " seven"}}}})
