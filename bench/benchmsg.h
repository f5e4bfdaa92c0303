/*++
/* NAME
/*	benchmsg 3h
/* SUMMARY
/*	the benchmark message, shared by the load client and engine-bench
/* SYNOPSIS
/*	#include "benchmsg.h"
/* DESCRIPTION
/*	bench_headers[] holds the 20 headers of the benchmark message as a
/*	milter sees them; both benchmarks use the same list so that the
/*	engine figures and the protocol figures describe the same work.
/*--*/
#ifndef PM_BENCHMSG_H
#define PM_BENCHMSG_H

/*
 * The message: what Postfix shows a milter for an authenticated
 * submission that passed an MSA and a content filter (Postfix's own
 * Received is hidden from milters). Values keep their leading space
 * (SMFIP_HDR_LEADSPC form); folded lines are joined by "\n".
 */
static const char *const bench_headers[][2] = {
    {"Received",
        " from mail.example.org (localhost [127.0.0.1])\n"
        "\tby mail.example.org (amavis, port 10024) with ESMTP"
        " id 3kQ9xWv1Zt2m\n\tfor <bob@example.com>;"
        " Mon, 23 Nov 2026 19:00:01 +0000 (UTC)"},
    {"Received",
        " from [192.168.1.23] (dsl-198-51-100-23.dyn.example.net"
        " [198.51.100.23])\n\t(Authenticated sender: alice)\n"
        "\tby msa.example.org (Postfix) with ESMTPSA id 4ZbQ1x2yZ3z9s\n"
        "\tfor <bob@example.com>; Mon, 23 Nov 2026 19:00:00 +0000 (UTC)"},
    {"Received",
        " from [IPv6:2001:db8:85a3::8a2e:370:7334] (helo=laptop)\n"
        "\tby vpn-gw.example.org with esmtpa (Exim 4.96)\n"
        "\t(envelope-from <alice@example.org>) id 1t9XyZ-000AbC-2Q;"
        " Mon, 23 Nov 2026 18:59:59 +0000"},
    {"Message-ID", " <3f1c2a9e-77b2-4c1e-9d0a-5b8e2f6a1c44@example.org>"},
    {"Date", " Mon, 23 Nov 2026 19:59:58 +0100"},
    {"MIME-Version", " 1.0"},
    {"User-Agent",
        " Mozilla/5.0 (X11; Linux x86_64; rv:115.0)"
        " Gecko/20100101 Thunderbird/115.4.1"},
    {"Content-Language", " en-GB"},
    {"To", " Bob Example <bob@example.com>"},
    {"Cc", " Carol <carol@example.net>, Dave <dave@example.net>"},
    {"From", " Alice Example <alice@example.org>"},
    {"Reply-To", " Alice Example <alice@example.org>"},
    {"Organization", " Example Org"},
    {"Subject", " Re: Quarterly figures and the meeting on Thursday"},
    {"In-Reply-To", " <a1b2c3d4-e5f6-4711-8899-aabbccddeeff@example.com>"},
    {"References",
        " <0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f@example.com>\n"
        " <a1b2c3d4-e5f6-4711-8899-aabbccddeeff@example.com>"},
    {"X-Originating-IP", " [198.51.100.23]"},
    {"Autocrypt",
        " addr=alice@example.org; keydata=\n"
        " mDMEZQ2x3xYJKwYBBAHaRw8BAQdAoY5m1c2K4nq3Q8m9b0Xw7yLrT5uVb2gH3k"
        "Pq\n lJ4s0NW0IkFsaWNlIEV4YW1wbGUgPGFsaWNlQGV4YW1wbGUub3JnPoiTBB"
        "MWCgA7"},
    {"Content-Type", " text/plain; charset=UTF-8; format=flowed"},
    {"Content-Transfer-Encoding", " 8bit"},
};
#define BENCH_NHEADERS (sizeof(bench_headers) / sizeof(bench_headers[0]))

#endif
