-- tests/milter/lib.lua -- helpers for the miltertest scripts.
--
-- miltertest does not print the text of error(): every failure is printed
-- first ("FAIL: ..."), then the script exits non-zero. A protocol step the
-- milter switched off in negotiation (RCPT, DATA, EOH, body) is never sent.

function fail(msg)
	print("FAIL: " .. msg)
	os.exit(1)
end

function check(cond, what)
	if cond then
		print("ok: " .. what)
	else
		fail(what)
	end
end

local function must(r, what)
	if r ~= nil then
		fail(what .. ": " .. tostring(r))
	end
end

-- open(sock) - connect, retrying while the milter starts
function open(sock)
	local conn = mt.connect(sock, 80, 0.25)
	if conn == nil then
		fail("cannot connect to " .. sock)
	end
	return conn
end

-- connection(conn, s) - connect information and HELO for session s:
--   s.daemon, s.port: {daemon_name}, {daemon_port}
--   s.host, s.ip: connect host and address; s.ip = "unspec" sends no
--     address and s.client_addr/s.client_port as macros instead
--   s.tls = {version, cipher, bits}: TLS macros with the HELO
--   s.helo2 = true: a first HELO without TLS, then the one with it
function connection(conn, s)
	local m = {"{daemon_name}", s.daemon or "mx.test.example"}
	if s.port then
		m[#m + 1] = "{daemon_port}"
		m[#m + 1] = s.port
	end
	if s.client_addr then
		m[#m + 1] = "{client_addr}"
		m[#m + 1] = s.client_addr
		m[#m + 1] = "{client_port}"
		m[#m + 1] = s.client_port
	end
	must(mt.macro(conn, SMFIC_CONNECT, table.unpack(m)), "connect macros")
	must(mt.conninfo(conn, s.host or "client.example.net", s.ip or "192.0.2.10"),
	    "conninfo")
	if s.helo2 then
		must(mt.helo(conn, "laptop"), "first helo")
	end
	if s.tls then
		must(mt.macro(conn, SMFIC_HELO, "{tls_version}", s.tls[1],
		    "{cipher}", s.tls[2], "{cipher_bits}", s.tls[3]), "helo macros")
	end
	must(mt.helo(conn, "laptop"), "helo")
end

-- message(conn, m) - one message; returns after end of message
--   m.qid: queue id; m.auth: {auth_authen}; m.mail_tls: TLS macros at MAIL
--   m.headers: list of {name, value}; values are sent as given
function message(conn, m)
	local mm = {"i", m.qid or "QID"}
	if m.auth then
		mm[#mm + 1] = "{auth_authen}"
		mm[#mm + 1] = m.auth
		mm[#mm + 1] = "{auth_type}"
		mm[#mm + 1] = "PLAIN"
	end
	if m.mail_tls then
		mm[#mm + 1] = "{tls_version}"
		mm[#mm + 1] = m.mail_tls[1]
		mm[#mm + 1] = "{cipher}"
		mm[#mm + 1] = m.mail_tls[2]
		mm[#mm + 1] = "{cipher_bits}"
		mm[#mm + 1] = m.mail_tls[3]
	end
	must(mt.macro(conn, SMFIC_MAIL, table.unpack(mm)), "mail macros")
	must(mt.mailfrom(conn, m.from or "<alice@example.org>"), "mailfrom")
	for _, h in ipairs(m.headers) do
		must(mt.header(conn, h[1], h[2]), "header " .. h[1])
	end
	must(mt.eom(conn), "eom")
end

-- reply_is(conn, want, what) - the end-of-message reply
function reply_is(conn, want, what)
	check(mt.getreply(conn) == want, what)
end
