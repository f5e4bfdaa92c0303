#!/usr/bin/env python3
# tests/milter/bigheader.py -- send one message with a header of SIZE bytes
# in one packet, the way Postfix does (miltertest cannot: it overflows a
# stack buffer on headers of a few KiB). Speaks the milter protocol (v6)
# directly; honours the steps and replies the milter negotiated away.
# Prints what the milter answered; exit 0 when it answered as EXPECT says:
#   ok:   end of message answered 'c' (continue) after a 'm'/'i' action
#   drop: the milter closed the connection
import socket
import struct
import sys

SMFIP_NOCONNECT, SMFIP_NOHELO, SMFIP_NOMAIL = 0x1, 0x2, 0x4
SMFIP_NR_HDR, SMFIP_NR_CONN, SMFIP_NR_HELO, SMFIP_NR_MAIL = \
    0x80, 0x1000, 0x2000, 0x4000


def send(s, cmd, data=b""):
    s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)


def recv(s):
    hdr = b""
    while len(hdr) < 4:
        b = s.recv(4 - len(hdr))
        if not b:
            raise EOFError("connection closed by the milter")
        hdr += b
    n = struct.unpack(">I", hdr)[0]
    data = b""
    while len(data) < n:
        b = s.recv(n - len(data))
        if not b:
            raise EOFError("connection closed by the milter")
        data += b
    return data[:1], data[1:]


def z(*parts):
    return b"".join(p.encode() + b"\0" for p in parts)


def main():
    path, size, expect = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    line = " " + "a" * 75
    value = "\n".join([line] * (size // (len(line) + 1) + 1))
    print("header value: %d bytes" % len(value))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(path)
    try:
        send(s, b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff))
        cmd, data = recv(s)
        _, actions, proto = struct.unpack(">III", data[:12])
        send(s, b"D", b"C" + z("{daemon_name}", "submission"))
        send(s, b"C", z("laptop.example.net") + b"4" +
             struct.pack(">H", 40000) + z("192.0.2.10"))
        if not proto & SMFIP_NR_CONN:
            recv(s)
        send(s, b"D", b"H" + z("{tls_version}", "TLSv1.3", "{cipher}",
                                "TLS_AES_256_GCM_SHA384",
                                "{cipher_bits}", "256"))
        send(s, b"H", z("laptop"))
        if not proto & SMFIP_NR_HELO:
            recv(s)
        send(s, b"D", b"M" + z("i", "BIG1", "{auth_authen}", "alice"))
        send(s, b"M", z("<alice@example.org>"))
        if not proto & SMFIP_NR_MAIL:
            recv(s)
        for name, val in (("X-Big", value), ("User-Agent", " Thunderbird")):
            send(s, b"L", z(name, val))
            if not proto & SMFIP_NR_HDR:
                recv(s)
        send(s, b"E")
        actions = []
        while True:
            cmd, data = recv(s)
            if cmd in (b"h", b"i", b"m"):
                actions.append(cmd.decode())
                continue
            break
        print("end of message: actions %s, reply %s" %
              ("".join(actions), cmd.decode()))
        send(s, b"Q")
        if expect == "ok" and cmd == b"c" and "m" in actions:
            return 0
        return 1
    except (EOFError, ConnectionError, socket.timeout) as e:
        print("session dropped: %s" % e)
        return 0 if expect == "drop" else 1


sys.exit(main())
