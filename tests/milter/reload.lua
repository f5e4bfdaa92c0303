-- tests/milter/reload.lua -- one load client of the reload test: streams
-- authenticated messages (20 per connection) until the file named by "stop"
-- exists; every message must be answered "continue" with User-Agent removed
-- and X-Rules-Version added (the rules in effect, whichever generation).
-- Globals: sock, stop, id. Prints "client ID: sent=N failed=M".
local sent, failed = 0, 0

local function stopped()
	local f = io.open(stop)
	if f ~= nil then
		f:close()
		return true
	end
	return false
end

local function one(conn)
	if mt.macro(conn, SMFIC_MAIL, "i", "R" .. id .. "-" .. sent,
	    "{auth_authen}", "alice") ~= nil then
		return "mail macros"
	end
	if mt.mailfrom(conn, "<alice@example.org>") ~= nil then
		return "mailfrom"
	end
	if mt.header(conn, "User-Agent", " Thunderbird") ~= nil or
	    mt.header(conn, "Subject", " load") ~= nil then
		return "header"
	end
	if mt.eom(conn) ~= nil then
		return "eom"
	end
	if mt.getreply(conn) ~= SMFIR_CONTINUE then
		return "reply"
	end
	if not mt.eom_check(conn, MT_HDRDELETE, "User-Agent") then
		return "User-Agent kept"
	end
	if not mt.eom_check(conn, MT_HDRADD, "X-Rules-Version") then
		return "no X-Rules-Version"
	end
	return nil
end

while not stopped() do
	local conn = mt.connect(sock, 40, 0.25)
	local err = nil
	if conn == nil then
		err = "connect"
	elseif mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "submission") ~= nil or
	    mt.conninfo(conn, "laptop.example.net", "192.0.2.10") ~= nil or
	    mt.helo(conn, "laptop") ~= nil then
		err = "connect/helo"
	end
	if err ~= nil then
		sent = sent + 1
	else
		for k = 1, 20 do
			sent = sent + 1
			err = one(conn)
			if err ~= nil or stopped() then
				break
			end
		end
	end
	if err ~= nil then
		failed = failed + 1
		print("client " .. id .. ": message " .. sent .. " failed: " .. err)
	end
	if conn ~= nil then
		mt.disconnect(conn)
	end
end
print(string.format("client %s: sent=%d failed=%d", id, sent, failed))
if failed > 0 then
	os.exit(1)
end
