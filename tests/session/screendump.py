#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Takes the qemu guest's screen when its console says so.

   screendump.py SERIAL_LOG QMP_SOCKET OUT_DIR QEMU_PID

For each line "SCREENDUMP NAME" the guest prints, the screen as qemu shows
it (what the virtual KMS card scans out) goes to OUT_DIR/NAME.ppm and
NAME.png, through qemu's QMP. Ends when QEMU_PID does.
"""
import json
import os
import socket
import sys
import time


def qmp(path, commands):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())  # the greeting
    for command in [{"execute": "qmp_capabilities"}] + commands:
        f.write(json.dumps(command) + "\n")
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if "return" in reply or "error" in reply:
                break
        if "error" in reply:
            print("screendump: %s" % reply["error"], file=sys.stderr)
    s.close()


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main():
    log, sock, out, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    seen = 0
    while alive(pid):
        time.sleep(0.2)
        try:
            with open(log, "rb") as f:
                lines = f.read().decode("utf-8", "replace").replace("\r", "").split("\n")
        except OSError:
            continue
        for line in lines[seen:-1]:
            if line.startswith("SCREENDUMP "):
                name = line.split()[1]
                base = os.path.join(out, name)
                qmp(sock, [
                    {"execute": "screendump", "arguments": {"filename": base + ".ppm"}},
                    {"execute": "screendump",
                     "arguments": {"filename": base + ".png", "format": "png"}},
                ])
        seen = max(seen, len(lines) - 1)


if __name__ == "__main__":
    main()
