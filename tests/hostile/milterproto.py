#!/usr/bin/env python3
# tests/hostile/milterproto.py -- the MTA side of the milter protocol (v6),
# for the hostile-input tests and the socket fuzzer (imported, not run).
#
# Written from libmilter's mfdef.h and Postfix's milter8.c: a packet is a
# 4-byte big-endian length (command byte included), the command byte and
# its data. Mta speaks it well-formed (negotiate, connect, helo, mail,
# header, end of message, honouring the steps and replies the milter
# negotiated away); raw() sends any bytes at all.
import socket
import struct
import time

SMFIP_NOCONNECT, SMFIP_NOHELO, SMFIP_NOMAIL = 0x1, 0x2, 0x4
SMFIP_NR_HDR, SMFIP_NR_CONN, SMFIP_NR_HELO, SMFIP_NR_MAIL = \
    0x80, 0x1000, 0x2000, 0x4000
ALL_ACTIONS, ALL_STEPS = 0x1ff, 0x1fffff


def z(*parts):
    """NUL-terminated strings, concatenated."""
    out = b""
    for p in parts:
        out += (p.encode() if isinstance(p, str) else p) + b"\0"
    return out


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def connect(spec, timeout=10.0):
    """A socket connected to unix:/path, /path or inet:port@host."""
    if spec.startswith("inet:"):
        port, _, host = spec[5:].partition("@")
        s = socket.create_connection((host or "127.0.0.1", int(port)),
                                     timeout=timeout)
    else:
        path = spec.split(":", 1)[1] if ":" in spec else spec
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
    s.settimeout(timeout)
    return s


class Closed(Exception):
    pass


class Mta:
    """One milter session, spoken the way Postfix speaks it."""

    def __init__(self, spec, timeout=10.0):
        self.s = connect(spec, timeout)
        self.proto = 0
        self.actions = 0
        self.qid = "QID1"

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def send(self, cmd, data=b""):
        self.s.sendall(packet(cmd, data))

    def recv(self):
        hdr = self._read(4)
        n = struct.unpack(">I", hdr)[0]
        data = self._read(n)
        return data[:1], data[1:]

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            try:
                b = self.s.recv(n - len(buf))
            except ConnectionResetError:
                b = b""
            if not b:
                raise Closed("connection closed by the milter")
            buf += b
        return buf

    def negotiate(self, actions=ALL_ACTIONS, steps=ALL_STEPS):
        self.send(b"O", struct.pack(">III", 6, actions, steps))
        cmd, data = self.recv()
        if cmd != b"O":
            raise Closed("negotiation answered %r" % cmd)
        _, self.actions, self.proto = struct.unpack(">III", data[:12])
        return cmd

    def _step(self, nr_flag):
        if not self.proto & nr_flag:
            return self.recv()[0]
        return None

    def macros(self, stage, *pairs):
        self.send(b"D", stage + z(*pairs))

    def connect_(self, host="laptop.example.net", addr="192.0.2.10",
                 port=40000, daemon="submission"):
        self.macros(b"C", "{daemon_name}", daemon, "{daemon_port}", "587")
        self.send(b"C", z(host) + b"4" + struct.pack(">H", port) + z(addr))
        return self._step(SMFIP_NR_CONN)

    def helo(self, name="laptop"):
        self.macros(b"H", "{tls_version}", "TLSv1.3", "{cipher}",
                    "TLS_AES_256_GCM_SHA384", "{cipher_bits}", "256")
        self.send(b"H", z(name))
        return self._step(SMFIP_NR_HELO)

    def mail(self, sender="<alice@example.org>", qid="QID1"):
        self.qid = qid
        self.macros(b"M", "i", qid, "{auth_authen}", "alice",
                    "{auth_type}", "PLAIN")
        self.send(b"M", z(sender))
        return self._step(SMFIP_NR_MAIL)

    def header(self, name, value):
        self.send(b"L", z(name, value))
        return self._step(SMFIP_NR_HDR)

    def eom(self):
        """End of message: the modification requests, then the reply."""
        self.macros(b"E", "i", self.qid)
        self.send(b"E")
        mods = []
        while True:
            cmd, data = self.recv()
            if cmd in (b"h", b"i", b"m", b"+", b"-", b"b", b"e", b"p"):
                mods.append(cmd.decode())
                continue
            return cmd.decode(), mods

    def message(self, qid="QID1"):
        """A whole authenticated submission; returns (reply, mods)."""
        self.negotiate()
        self.connect_()
        self.helo()
        self.mail(qid=qid)
        self.header("Received", " from laptop (laptop.example.net "
                    "[192.0.2.10]) by mx.example.org")
        self.header("User-Agent", " Thunderbird")
        return self.eom()

    def quit(self):
        self.send(b"Q")
        self.close()

    def raw(self, data):
        self.s.sendall(data)


def served(spec, qid="QID1", timeout=10.0):
    """True when a whole session gets an end-of-message reply."""
    m = Mta(spec, timeout)
    try:
        reply, _ = m.message(qid)
        m.quit()
        return reply in ("c", "a")
    except (OSError, Closed):
        return False
    finally:
        m.close()


def wait_closed(s, secs):
    """Seconds until the peer closes s (None: still open after secs)."""
    t0 = time.time()
    s.settimeout(secs)
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return time.time() - t0
    except socket.timeout:
        return None
    except OSError:
        return time.time() - t0
