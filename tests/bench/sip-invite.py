#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sends one INVITE through a registrar and cancels it once it rings.

Prints two CLOCK_MONOTONIC times in nanoseconds: when the INVITE was sent
and when its 180 Ringing came back. The benchmark compares them with the
time the call appears in the cell (call-watch there).

    sip-invite.py REGISTRAR_PORT USER [LOCAL_PORT]
"""

import random
import socket
import sys
import time


def request(method, user, registrar, local, branch, call_id, tag, body=""):
    lines = [
        f"{method} sip:{user}@{registrar} SIP/2.0",
        f"Via: SIP/2.0/UDP {local};branch={branch};rport",
        f"From: <sip:3000@{registrar}>;tag={tag}",
        f"To: <sip:{user}@{registrar}>",
        f"Call-ID: {call_id}",
        f"CSeq: 1 {method}",
        f"Contact: <sip:3000@{local}>",
        "Max-Forwards: 70",
    ]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def status_of(data):
    first = data.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[0] == b"SIP/2.0" else 0


def main():
    port = int(sys.argv[1])
    user = sys.argv[2]
    local_port = int(sys.argv[3]) if len(sys.argv) > 3 else 5571
    registrar = f"127.0.0.1:{port}"
    local = f"127.0.0.1:{local_port}"
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", local_port))
    sock.settimeout(10)
    n = random.randrange(1 << 30)
    branch, call_id, tag = f"z9hG4bK{n}", f"{n}@127.0.0.1", f"{n}"
    sdp = ("v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
           "t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
    sent = time.monotonic_ns()
    sock.sendto(request("INVITE", user, registrar, local, branch, call_id, tag, sdp),
                ("127.0.0.1", port))
    ringing = None
    while ringing is None:
        data, _ = sock.recvfrom(65536)
        if status_of(data) == 180:
            ringing = time.monotonic_ns()
        elif status_of(data) >= 300:
            sys.exit(f"sip-invite: the INVITE was refused: {data.splitlines()[0].decode()}")
    sock.sendto(request("CANCEL", user, registrar, local, branch, call_id, tag), ("127.0.0.1", port))
    # The 200 to the CANCEL and the 487 to the INVITE, which is acknowledged.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data, _ = sock.recvfrom(65536)
        if status_of(data) == 487:
            to = [l for l in data.decode(errors="replace").split("\r\n") if l.lower().startswith("to:")]
            ack = request("ACK", user, registrar, local, branch, call_id, tag).decode()
            ack = ack.replace(f"To: <sip:{user}@{registrar}>", to[0] if to else "To: <>")
            sock.sendto(ack.encode(), ("127.0.0.1", port))
            break
    print(sent, ringing)


if __name__ == "__main__":
    main()
