#!/usr/bin/env python3
# tests/hostile/sockfuzz.py -- a protocol-level fuzzer of the milter socket.
#
# usage: sockfuzz.py --spec unix:/path --pid SUPERVISOR_PID
#            [--seconds N | --execs N] [--seed S] [--save DIR]
#            [--corpus DIR]... [--replay]
#
# One exec is one connection: a session made from the way Postfix speaks
# (negotiate, macros, connect, HELO, MAIL, headers, end of message, quit)
# and then mutated: packets dropped, repeated, swapped or cut short; macro
# lists with an odd number of strings, without their NUL, empty names,
# huge values; length fields of 0, 1, too long, too short or beyond
# MaxDataSize; unknown command bytes; short or strange option
# negotiation; random bytes. The bytes are sent, the replies read until
# the milter closes or 0.2 s pass.
#
# The oracle: the supervisor's child (found with pgrep -P PID) must stay
# the same process, and after every batch a well-formed session must be
# served (end of message answered). When either fails, the batch since the
# last good check is written to DIR (--save) as crash-N.bin files, one per
# connection, and the exit status is 1.
#
# --replay sends every file of the --corpus directories once, in name
# order, as one connection each (the regression corpus of make check);
# with --save (and no --replay) every 50th generated session is kept too
# (how tests/hostile/corpus/ was made). The last line is
#   sockfuzz: N execs in S s, C crashes, K checks
import argparse
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import milterproto as mp  # noqa: E402


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def base_session(r):
    """A well-formed Postfix-like session as a list of packets."""
    z = mp.z
    s = [pkt(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff)),
         pkt(b"D", b"C" + z("j", "mx.example.org", "{daemon_name}",
                            "submission", "{daemon_port}", "587")),
         pkt(b"C", z("laptop.example.net") + b"4" +
             struct.pack(">H", 40000) + z("192.0.2.10")),
         pkt(b"D", b"H" + z("{tls_version}", "TLSv1.3", "{cipher}",
                            "TLS_AES_256_GCM_SHA384", "{cipher_bits}",
                            "256")),
         pkt(b"H", z("laptop")),
         pkt(b"D", b"M" + z("i", "QID%d" % r.randrange(1000),
                            "{auth_authen}", "alice", "{mail_addr}",
                            "alice@example.org")),
         pkt(b"M", z("<alice@example.org>", "SIZE=100")),
         pkt(b"D", b"R" + z("{rcpt_addr}", "bob@example.net")),
         pkt(b"R", z("<bob@example.net>")),
         pkt(b"D", b"T"),
         pkt(b"T"),
         pkt(b"L", z("Received", " from laptop ([192.0.2.10]) by mx")),
         pkt(b"L", z("User-Agent", " Thunderbird")),
         pkt(b"L", z("X-Originating-IP", " [192.0.2.10]")),
         pkt(b"N"),
         pkt(b"B", b"body\r\n"),
         pkt(b"D", b"E" + z("i", "QID1")),
         pkt(b"E"),
         pkt(b"Q")]
    return s


def bad_macros(r):
    strs = [r.choice([b"{daemon_name}", b"i", b"{auth_authen}", b"",
                      b"{tls_version}", b"x" * r.randrange(1, 300)])
            for _ in range(r.randrange(0, 6))]
    body = b"".join(x + b"\0" for x in strs)
    kind = r.randrange(5)
    if kind == 0 and len(strs) % 2 == 0:
        body += b"{odd}\0"            # a name without a value
    elif kind == 1 and body:
        body = body[:-1]              # no final NUL
    elif kind == 2:
        body += b"\0" * r.randrange(1, 4)
    elif kind == 3:
        body = bytes(r.randrange(256) for _ in range(r.randrange(0, 40)))
    stage = r.choice(b"CHMRTENLBUQAZ\0\xff")
    return pkt(b"D", bytes([stage]) + body)


def bad_length(p, r):
    n = len(p) - 4
    v = r.choice([0, 1, n - 1, n + 1, n + r.randrange(2, 100),
                  0x7fffffff, 0xffffffff, 1048577, 65536])
    return struct.pack(">I", v & 0xffffffff) + p[4:]


def bad_optneg(r):
    data = struct.pack(">III", r.choice([0, 1, 2, 6, 7, 0xffffffff]),
                       r.getrandbits(32), r.getrandbits(32))
    return pkt(b"O", data[:r.randrange(0, 13)])


def mutate(s, r):
    for _ in range(r.randrange(1, 4)):
        k = r.randrange(12)
        i = r.randrange(len(s)) if s else 0
        if not s:
            s.append(bad_macros(r))
        elif k == 0:
            s.insert(i, bad_macros(r))
        elif k == 1:
            s[i] = bad_length(s[i], r)
        elif k == 2:
            del s[i]
        elif k == 3:
            s.insert(i, s[i])
        elif k == 4 and len(s) > 1:
            j = r.randrange(len(s))
            s[i], s[j] = s[j], s[i]
        elif k == 5:
            s[i] = s[i][:r.randrange(len(s[i]))]
            del s[i + 1:]
        elif k == 6:
            s[i] = pkt(bytes([r.randrange(256)]), s[i][5:])
        elif k == 7:
            s[0] = bad_optneg(r)
        elif k == 8:
            s.insert(i, bytes(r.randrange(256)
                               for _ in range(r.randrange(1, 64))))
        elif k == 9:
            c = r.choice(b"CHMLRU")
            s.insert(i, pkt(bytes([c]), bytes(r.randrange(256) for _ in
                                              range(r.randrange(0, 30)))))
        elif k == 10:
            s.insert(i, pkt(r.choice([b"A", b"K", b"N", b"T", b"Q"]),
                            b"x" * r.randrange(0, 3)))
        else:
            s.insert(i, pkt(b"D", b"C" + mp.z("{daemon_name}")))
    return b"".join(s)


def run_one(spec, data):
    try:
        s = mp.connect(spec, timeout=2)
    except OSError:
        return False
    try:
        s.sendall(data)
        s.settimeout(0.2)
        t0 = time.time()
        while time.time() - t0 < 0.2:
            if not s.recv(65536):
                break
    except OSError:
        pass
    finally:
        s.close()
    return True


def child_of(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True).stdout.split()
    return out[0] if out else None


def healthy(spec, pid, child):
    now = child_of(pid)
    if now != child:
        return False, "child %s replaced by %s" % (child, now)
    if not mp.served(spec, qid="CHECK", timeout=5):
        return False, "a well-formed session was not served"
    return True, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--pid", required=True, type=int)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--execs", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save")
    ap.add_argument("--corpus", action="append", default=[])
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("--batch", type=int, default=20)
    a = ap.parse_args()
    r = random.Random(a.seed)
    child = child_of(a.pid)
    if child is None:
        print("sockfuzz: no child of %d" % a.pid)
        return 2
    inputs = []
    if a.replay:
        for d in a.corpus:
            for f in sorted(os.listdir(d)):
                with open(os.path.join(d, f), "rb") as fp:
                    inputs.append(fp.read())
    t0 = time.time()
    execs = crashes = checks = 0
    batch = []
    while True:
        if a.replay:
            if execs >= len(inputs):
                break
            data = inputs[execs]
        else:
            if a.execs and execs >= a.execs:
                break
            if a.seconds and time.time() - t0 >= a.seconds:
                break
            if not a.execs and not a.seconds:
                break
            data = mutate(base_session(r), r)
            if a.save and execs % 50 == 0:
                os.makedirs(a.save, exist_ok=True)
                with open(os.path.join(a.save, "seed-%05d.bin" % execs),
                          "wb") as fp:
                    fp.write(data)
        run_one(a.spec, data)
        batch.append(data)
        execs += 1
        if len(batch) >= a.batch:
            ok, why = healthy(a.spec, a.pid, child)
            checks += 1
            if not ok:
                crashes += 1
                print("sockfuzz: after exec %d: %s" % (execs, why))
                if a.save:
                    os.makedirs(a.save, exist_ok=True)
                    for i, d in enumerate(batch):
                        with open(os.path.join(
                                a.save, "crash-%d-%d.bin" % (execs, i)),
                                "wb") as fp:
                            fp.write(d)
                time.sleep(2)
                child = child_of(a.pid)
                if child is None:
                    break
            batch = []
    ok, why = healthy(a.spec, a.pid, child)
    checks += 1
    if not ok:
        crashes += 1
        print("sockfuzz: at the end: %s" % why)
    print("sockfuzz: %d execs in %.1f s, %d crashes, %d checks"
          % (execs, time.time() - t0, crashes, checks))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
