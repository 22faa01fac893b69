#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A simulated 3GPP modem that speaks AT commands on a pseudo terminal.

It is enough of a modem for ModemManager's generic plugin to probe it,
enable it, see it registered on a network and use it for voice calls and
SMS. The SIM, the network and the remote parties are all make-believe:

  * the tty is the slave side of a pty pair; its path is printed on stdout
    and, with --pty-link, made a symbolic link;
  * every command line received is appended to --log, one per line, exactly
    as sent (for example "ATD+15551234;"); an SMS body follows as "> BODY"
    and, once sent, "# sms to NUMBER: TEXT"; all notes of the simulator
    itself start with "# ";
  * the remote side is driven by lines written to the FIFO --control:

        ring NUMBER          an incoming call from NUMBER (RING and +CLIP every 3 s)
        sms NUMBER TEXT...   an SMS from NUMBER is stored on the SIM (+CMTI)
        remote-answer        the party called with ATD answers
        remote-hangup [NUM]  the remote party of every call (or of NUM's call) hangs up
        register STATE       network registration: home, roaming, searching,
                             denied or idle (+CREG/+CGREG/+CEREG reported)

Only single-part SMS are handled (GSM 7-bit default alphabet or UCS2).
The simulator keeps the slave side open itself, so ModemManager may close
and reopen the port at will. Python standard library only.
"""

import argparse
import os
import pty
import re
import selectors
import signal
import sys
import time
import tty

# Call states as +CLCC reports them (3GPP TS 27.007, 7.18).
ACTIVE, HELD, DIALING, ALERTING, INCOMING, WAITING = range(6)

# Network registration states of +CREG, +CGREG and +CEREG.
REGISTRATION = {"idle": 0, "home": 1, "searching": 2, "denied": 3, "roaming": 5}

# The GSM 7-bit default alphabet (3GPP TS 23.038), indexed by septet value.
GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
        " !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
assert len(GSM7) == 128

SM_SLOTS = 30   # messages the simulated SIM holds


# --- SMS PDUs (3GPP TS 23.040) ---------------------------------------------

def semi_octets(digits):
    """Digits as swapped BCD, padded with F: "12345" -> bytes 21 43 F5."""
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def from_semi_octets(data, count):
    """The first COUNT digits of swapped BCD DATA."""
    text = "".join("%X%X" % (b & 0x0F, b >> 4) for b in data)
    return text[:count]


def encode_address(number):
    digits = number.lstrip("+")
    toa = 0x91 if number.startswith("+") else 0x81
    return bytes([len(digits), toa]) + semi_octets(digits)


def pack7(septets):
    out = bytearray()
    acc = bits = 0
    for s in septets:
        acc |= s << bits
        bits += 7
        while bits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            bits -= 8
    if bits:
        out.append(acc)
    return bytes(out)


def unpack7(data, count, header_octets=0):
    """COUNT septets from DATA as text; a user data header of HEADER_OCTETS
    octets and its fill bits come first and are skipped."""
    acc = bits = 0
    septets = []
    for b in data:
        acc |= b << bits
        bits += 8
        while bits >= 7:
            septets.append(acc & 0x7F)
            acc >>= 7
            bits -= 7
    skip = (header_octets * 8 + 6) // 7
    return "".join(GSM7[s] for s in septets[skip:count])


def encode_text(text):
    """Data coding scheme, user data length and user data for TEXT: GSM 7-bit
    when every character is in the default alphabet, else UCS2. No check of
    the single-part limits (160 septets, 70 UCS2 characters)."""
    if all(c in GSM7 and c != "\x1b" for c in text):
        return 0x00, len(text), pack7(GSM7.index(c) for c in text)
    data = text.encode("utf-16-be")
    return 0x08, len(data), data


def scts(when):
    """Service centre time stamp: yy MM dd hh mm ss, swapped BCD, UTC."""
    return semi_octets(time.strftime("%y%m%d%H%M%S", when) + "00")


def deliver_pdu(number, text, when):
    """An SMS-DELIVER TPDU, hex, and its length in octets."""
    dcs, udl, ud = encode_text(text)
    tpdu = (bytes([0x04]) + encode_address(number) + bytes([0x00, dcs]) + scts(when)
            + bytes([udl]) + ud)
    return "00" + tpdu.hex().upper(), len(tpdu)  # "00": no SMSC address


def parse_submit(hexpdu):
    """Destination number and text of an SMS-SUBMIT PDU (with SMSC prefix)."""
    b = bytes.fromhex(hexpdu)
    i = 1 + b[0]                 # skip the SMSC address
    first = b[i]
    i += 2                       # first octet, message reference
    ndigits, toa = b[i], b[i + 1]
    i += 2
    number = from_semi_octets(b[i:i + (ndigits + 1) // 2], ndigits)
    if toa & 0x70 == 0x10:
        number = "+" + number
    i += (ndigits + 1) // 2
    dcs = b[i + 1]
    i += 2                       # protocol identifier, data coding scheme
    i += {0: 0, 2: 1, 1: 7, 3: 7}[(first >> 3) & 3]   # validity period
    udl, ud = b[i], b[i + 1:]
    header = ud[0] + 1 if first & 0x40 else 0
    alphabet = (dcs >> 2) & 3 if dcs < 0x40 else 0
    if alphabet == 2:
        return number, ud[header:udl].decode("utf-16-be", "replace")
    if alphabet == 1:
        return number, ud[header:udl].decode("latin-1")
    return number, unpack7(ud, udl, header)


# --- the modem ------------------------------------------------------------

class Call:
    def __init__(self, index, direction, state, number):
        self.index = index
        self.direction = direction   # 0 mobile originated, 1 mobile terminated
        self.state = state
        self.number = number


class Modem:
    def __init__(self, args, master, log):
        self.args = args
        self.master = master
        self.logfile = log
        self.timers = []             # (time, function)
        self.buffer = bytearray()    # command line being received
        self.body = None             # SMS body being received after +CMGS/+CMGW
        self.body_command = None
        self.calls = []
        self.messages = {}           # SIM slot -> dict(stat, number, text, time, pdu)
        self.reference = 0           # last SMS message reference
        self.cfun = 1
        self.registration = REGISTRATION["home"]
        self.reg_mode = {"+CREG": 0, "+CGREG": 0, "+CEREG": 0}
        self.cops_format = 0
        self.cmgf = 0                # 0 PDU mode, 1 text mode
        self.charset = "IRA"
        self.clip = False
        self.crc = False
        self.ccwa = False
        self.ring_timer = None       # the pending next RING

    # Output. Everything is written to the non-blocking master; when nobody
    # has the port open, what does not fit is dropped rather than blocking.

    def log(self, line):
        self.logfile.write(line + "\n")
        self.logfile.flush()

    def send(self, text):
        try:
            os.write(self.master, text.encode())
        except BlockingIOError:
            self.log("# output dropped (port not read)")

    def urc(self, line):
        self.send("\r\n%s\r\n" % line)

    def reply(self, lines, final="OK"):
        self.send("".join("\r\n%s\r\n" % line for line in lines) + "\r\n%s\r\n" % final)

    def after(self, delay, function):
        timer = (time.monotonic() + delay, function)
        self.timers.append(timer)
        return timer

    def cancel(self, timer):
        if timer in self.timers:
            self.timers.remove(timer)

    def run_timers(self):
        now = time.monotonic()
        due = [t for t in self.timers if t[0] <= now]
        self.timers = [t for t in self.timers if t[0] > now]
        for _, function in due:
            function()

    def next_timeout(self):
        if not self.timers:
            return None
        return max(0, min(t[0] for t in self.timers) - time.monotonic())

    # Input: command lines end with CR; SMS bodies end with Ctrl-Z.

    def feed(self, data):
        for byte in data:
            if self.body is not None:
                if byte == 0x1A:
                    self.finish_body()
                elif byte == 0x1B:           # Esc cancels the message
                    self.log("> (cancelled)")
                    self.body = None
                    self.reply([])
                else:
                    self.body.append(byte)
            elif byte in (0x0D, 0x0A):
                line = self.buffer.decode("latin-1").strip()
                self.buffer.clear()
                if line:
                    self.command(line)
            elif byte == 0x7E:
                # End of an HDLC frame: a QCDM probe, not AT. Ignored, like
                # a modem without a QCDM port would.
                self.log("# binary frame ignored")
                self.buffer.clear()
            else:
                self.buffer.append(byte)

    def command(self, line):
        start = line.upper().find("AT")
        if start < 0:
            self.log("# not a command: %r" % line)
            return
        line = line[start:]
        self.log(line)
        body = line[2:]
        if body[:1].upper() == "D":
            self.reply([], self.dial(body[1:]))
            return
        info = []
        for part in split_commands(body):
            result = self.execute(part)
            if result is None:
                self.reply([], "ERROR")
                return
            info += result
        if self.body is None:
            self.reply(info)

    def execute(self, part):
        """Lines of information for one command, None for ERROR."""
        match = re.match(r"([+%^$*#][A-Z0-9]+)(=\?|\?|=)?(.*)$", part, re.I)
        if match:
            name, kind, args = match.group(1).upper(), match.group(2) or "", match.group(3)
            handler = getattr(self, "ext_" + re.sub(r"\W", "_", name), None)
            return handler(kind, args) if handler else None
        return self.basic(part)

    def basic(self, text):
        """V.250 basic commands, any number in a row: E0, V1, X4, &C1, Z, I, H, A."""
        info = []
        for name, value in re.findall(r"\s*(&[A-Z]|S\d+[=?]|[A-Z])(\d*)", text.upper()):
            if name in ("E", "V", "Q", "X", "Z", "&C", "&D", "&F", "&K", "L", "M"):
                continue                      # accepted; echo stays off whatever E says
            if name[0] == "S":
                continue                      # S registers: accepted, not kept
            if name == "I":
                info += ["Cells", "Simulated 3GPP modem", "Revision: modem-sim 1.0"]
            elif name == "H":
                self.hang_up(self.calls)
            elif name == "A":
                incoming = [c for c in self.calls if c.state in (INCOMING, WAITING)]
                if not incoming:
                    return None
                self.answer(incoming[0])
            else:
                return None
        return info

    # --- voice calls ---

    def new_call(self, direction, state, number):
        index = 1
        while any(c.index == index for c in self.calls):
            index += 1
        call = Call(index, direction, state, number)
        self.calls.append(call)
        return call

    def dial(self, rest):
        if not rest.endswith(";"):
            return "NO CARRIER"      # data calls are not simulated
        number = rest[:-1].strip().strip('"')
        if self.registration not in (1, 5):
            return "NO CARRIER"
        for c in self.calls:
            if c.state == ACTIVE:
                c.state = HELD
        call = self.new_call(0, DIALING, number)

        def alerting():
            if call in self.calls and call.state == DIALING:
                call.state = ALERTING
        self.after(1, alerting)
        return "OK"

    def answer(self, call):
        for c in self.calls:
            if c.state == ACTIVE:
                c.state = HELD
        call.state = ACTIVE

    def hang_up(self, calls):
        for c in list(calls):
            self.calls.remove(c)

    def ring(self):
        """RING and +CLIP every 3 s while a call is incoming."""
        self.cancel(self.ring_timer)
        self.ring_timer = None
        incoming = [c for c in self.calls if c.state == INCOMING]
        if not incoming:
            return
        self.urc("+CRING: VOICE" if self.crc else "RING")
        if self.clip:
            self.urc('+CLIP: "%s",%d' % (incoming[0].number, number_type(incoming[0].number)))
        self.ring_timer = self.after(3, self.ring)

    def ext__CLCC(self, kind, args):
        if kind:
            return [] if kind == "=?" else None
        return ['+CLCC: %d,%d,%d,0,0,"%s",%d' % (c.index, c.direction, c.state, c.number,
                                                  number_type(c.number))
                for c in sorted(self.calls, key=lambda c: c.index)]

    def ext__CHUP(self, kind, args):
        self.hang_up(self.calls)
        return []

    def ext__CHLD(self, kind, args):
        if kind == "=?":
            return ["+CHLD: (0,1,1x,2,2x,3)"]
        if kind != "=":
            return None
        active = [c for c in self.calls if c.state == ACTIVE]
        others = [c for c in self.calls if c.state in (HELD, WAITING)]
        if args == "0":                       # release held or waiting calls
            waiting = [c for c in self.calls if c.state == WAITING]
            self.hang_up(waiting or [c for c in self.calls if c.state == HELD])
        elif args == "1":                     # release active, take the other
            self.hang_up(active)
            if others:
                others[0].state = ACTIVE
        elif args.startswith("1"):            # release call x
            self.hang_up([c for c in self.calls if str(c.index) == args[1:]])
        elif args == "2":                     # swap
            for c in active:
                c.state = HELD
            if others:
                others[0].state = ACTIVE
        elif args.startswith("2"):            # keep call x active, hold the rest
            for c in self.calls:
                if c.state in (ACTIVE, HELD):
                    c.state = ACTIVE if str(c.index) == args[1:] else HELD
        return []

    def ext__VTS(self, kind, args):
        return [] if kind in ("=", "=?") else None

    def ext__CLIP(self, kind, args):
        if kind == "=":
            self.clip = args.strip() == "1"
            return []
        if kind == "?":
            return ["+CLIP: %d,1" % self.clip]
        return ["+CLIP: (0,1)"] if kind == "=?" else None

    def ext__CRC(self, kind, args):
        if kind == "=":
            self.crc = args.strip() == "1"
            return []
        if kind == "?":
            return ["+CRC: %d" % self.crc]
        return ["+CRC: (0,1)"] if kind == "=?" else None

    def ext__CCWA(self, kind, args):
        if kind == "=?":
            return ["+CCWA: (0,1)"]
        if kind == "?":
            return ["+CCWA: %d" % self.ccwa]
        if kind == "=":
            fields = args.split(",")
            self.ccwa = fields[0].strip() == "1"
            if len(fields) > 1 and fields[1].strip() == "2":
                return ["+CCWA: 1,1"]        # status query: enabled for voice
            return []
        return None

    # --- identity, SIM and network ---

    def ext__CGMI(self, kind, args):
        return ["Cells"] if not kind else None

    ext__GMI = ext__CGMI

    def ext__CGMM(self, kind, args):
        return ["Simulated 3GPP modem"] if not kind else None

    ext__GMM = ext__CGMM

    def ext__CGMR(self, kind, args):
        return ["modem-sim 1.0"] if not kind else None

    ext__GMR = ext__CGMR

    def ext__CGSN(self, kind, args):
        return [self.args.imei] if kind in ("", "=") else ([] if kind == "=?" else None)

    ext__GSN = ext__CGSN

    def ext__GCAP(self, kind, args):
        return ["+GCAP: +CGSM"] if not kind else None

    def ext__CMEE(self, kind, args):
        return [] if kind in ("=", "=?") else (["+CMEE: 1"] if kind == "?" else None)

    def ext__CSCS(self, kind, args):
        if kind == "=?":
            return ['+CSCS: ("IRA","GSM")']
        if kind == "?":
            return ['+CSCS: "%s"' % self.charset]
        if kind == "=" and args.strip('"') in ("IRA", "GSM"):
            self.charset = args.strip('"')
            return []
        return None

    def ext__CPIN(self, kind, args):
        return ["+CPIN: READY"] if kind == "?" else None

    def ext__CLCK(self, kind, args):
        if kind == "=?":
            return ['+CLCK: ("SC")']
        if kind == "=" and args.upper().startswith('"SC",2'):
            return ["+CLCK: 0"]
        return None

    def ext__CIMI(self, kind, args):
        return [self.args.imsi] if not kind else None

    def ext__CCID(self, kind, args):
        return ["+CCID: " + self.args.iccid] if not kind else None

    def ext__CRSM(self, kind, args):
        """READ BINARY of a few SIM files; others are not found."""
        fields = args.split(",")
        if kind != "=" or len(fields) < 2 or fields[0] != "176":
            return None
        data = {
            "12258": semi_octets(self.args.iccid).hex().upper(),       # EF_ICCID
            "28589": "00000002",                                       # EF_AD: 2-digit MNC
            "28486": "00" + self.args.operator.encode()[:16].hex().upper().ljust(32, "F"),  # EF_SPN
        }.get(fields[1])
        return ['+CRSM: 144,0,"%s"' % data] if data else ["+CRSM: 106,130"]

    def ext__CNUM(self, kind, args):
        if kind:
            return [] if kind == "=?" else None
        return ['+CNUM: "","%s",%d' % (self.args.own_number, number_type(self.args.own_number))]

    def ext__CFUN(self, kind, args):
        if kind == "=?":
            return ["+CFUN: (0,1,4),(0,1)"]
        if kind == "?":
            return ["+CFUN: %d" % self.cfun]
        if kind == "=":
            self.cfun = int(args.split(",")[0] or 0)
            return []
        return None

    def registered_state(self):
        return self.registration if self.cfun == 1 else 0

    def registration_read(self, name):
        mode, state = self.reg_mode[name], self.registered_state()
        if mode == 2 and state in (1, 5):
            return ['%s: 2,%d,"00A1","0001B2C3",2' % (name, state)]
        return ["%s: %d,%d" % (name, mode, state)]

    def registration_command(self, name, kind, args):
        if kind == "=?":
            return ["%s: (0-2)" % name]
        if kind == "?":
            return self.registration_read(name)
        if kind == "=" and args in ("0", "1", "2"):
            self.reg_mode[name] = int(args)
            return []
        return None

    def ext__CREG(self, kind, args):
        return self.registration_command("+CREG", kind, args)

    def ext__CGREG(self, kind, args):
        return self.registration_command("+CGREG", kind, args)

    def ext__CEREG(self, kind, args):
        return self.registration_command("+CEREG", kind, args)

    def set_registration(self, state):
        self.registration = state
        for name, mode in self.reg_mode.items():
            if mode == 1:
                self.urc("%s: %d" % (name, self.registered_state()))
            elif mode == 2:
                self.urc(self.registration_read(name)[0].replace(": 2,", ": ", 1))

    def ext__COPS(self, kind, args):
        if kind == "=?":
            return ['+COPS: (2,"%s","%s","%s",2),,(0-4),(0-2)' % (
                self.args.operator, self.args.operator, self.args.imsi[:5])]
        if kind == "?":
            if self.registered_state() not in (1, 5):
                return ["+COPS: 0"]
            name = self.args.imsi[:5] if self.cops_format == 2 else self.args.operator
            return ['+COPS: 0,%d,"%s",2' % (self.cops_format, name)]
        if kind == "=":
            fields = args.split(",")
            if fields[0] == "3" and len(fields) > 1:
                self.cops_format = int(fields[1])
            return []
        return None

    def ext__WS46(self, kind, args):
        # A 2G/3G modem: GERAN only, UTRAN only, both (the current selection).
        if kind == "=?":
            return ["+WS46: (12,22,29)"]
        if kind == "?":
            return ["+WS46: 29"]
        return [] if kind == "=" else None

    def ext__CSQ(self, kind, args):
        if kind == "=?":
            return ["+CSQ: (0-31,99),(0-7,99)"]
        return ["+CSQ: 20,99"] if not kind else None

    def ext__CGDCONT(self, kind, args):
        if kind == "=?":
            return ['+CGDCONT: (1-10),"IP",,,(0),(0)', '+CGDCONT: (1-10),"IPV6",,,(0),(0)']
        if kind == "?":
            return ['+CGDCONT: 1,"IP","internet","0.0.0.0",0,0']
        return [] if kind == "=" else None

    def ext__CGACT(self, kind, args):
        return ["+CGACT: 1,0"] if kind == "?" else None

    # Vendor probes of ModemManager's plugins (Icera, Intel XMM). An empty OK
    # answers "not that vendor" at once; ERROR would make MM retry %IPSYS?
    # three times, 2 s apart.
    def ext__IPSYS(self, kind, args):
        return []

    def ext__XACT(self, kind, args):
        return []

    def ext__CSCA(self, kind, args):
        return ['+CSCA: "+15550000",145'] if kind == "?" else ([] if kind == "=" else None)

    # --- SMS ---

    def ext__CMGF(self, kind, args):
        if kind == "=?":
            return ["+CMGF: (0,1)"]
        if kind == "?":
            return ["+CMGF: %d" % self.cmgf]
        if kind == "=" and args in ("0", "1"):
            self.cmgf = int(args)
            return []
        return None

    def ext__CSMS(self, kind, args):
        if kind == "=?":
            return ["+CSMS: (0,1)"]
        if kind == "?":
            return ["+CSMS: 0,1,1,1"]
        return ["+CSMS: 1,1,1"] if kind == "=" else None

    def storage(self):
        used = len(self.messages)
        return "%d,%d,%d,%d,%d,%d" % (used, SM_SLOTS, used, SM_SLOTS, used, SM_SLOTS)

    def ext__CPMS(self, kind, args):
        if kind == "=?":
            return ['+CPMS: ("SM"),("SM"),("SM")']
        if kind == "?":
            used = len(self.messages)
            return ['+CPMS: "SM",%d,%d,"SM",%d,%d,"SM",%d,%d' % ((used, SM_SLOTS) * 3)]
        if kind == "=" and all(m.strip('"') == "SM" for m in args.split(",")):
            return ["+CPMS: " + self.storage()]
        return None

    def ext__CNMI(self, kind, args):
        if kind == "=?":
            return ["+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"]
        if kind == "?":
            return ["+CNMI: 2,1,0,0,0"]
        return [] if kind == "=" else None

    def message_lines(self, index, message, listing):
        """+CMGL (listing) or +CMGR lines for one stored message."""
        stat = message["stat"]
        if self.cmgf == 0:
            if message.get("pdu"):
                pdu = message["pdu"]
                length = len(pdu) // 2 - 1 - int(pdu[:2], 16)
            else:
                pdu, length = deliver_pdu(message["number"], message["text"], message["time"])
            head = "+CMGL: %d,%d,,%d" % (index, stat, length) if listing else \
                "+CMGR: %d,,%d" % (stat, length)
            return [head, pdu]
        names = ["REC UNREAD", "REC READ", "STO UNSENT", "STO SENT"]
        stamp = time.strftime("%y/%m/%d,%H:%M:%S+00", message["time"])
        fields = '"%s","%s",,"%s"' % (names[stat], message["number"], stamp)
        return ["+CMGL: %d,%s" % (index, fields) if listing else "+CMGR: " + fields,
                message["text"]]

    def ext__CMGL(self, kind, args):
        if kind == "=?":
            return ["+CMGL: (0-4)"] if self.cmgf == 0 else \
                ['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")']
        wanted = args.strip('"') if kind == "=" else "0"
        names = {"REC UNREAD": "0", "REC READ": "1", "STO UNSENT": "2", "STO SENT": "3", "ALL": "4"}
        wanted = names.get(wanted, wanted)
        lines = []
        for index in sorted(self.messages):
            message = self.messages[index]
            if wanted in ("4", str(message["stat"])):
                lines += self.message_lines(index, message, True)
                if message["stat"] == 0:
                    message["stat"] = 1
        return lines

    def ext__CMGR(self, kind, args):
        message = self.messages.get(int(args)) if kind == "=" and args.isdigit() else None
        if not message:
            return None
        lines = self.message_lines(int(args), message, False)
        if message["stat"] == 0:
            message["stat"] = 1
        return lines

    def ext__CMGD(self, kind, args):
        if kind == "=?":
            return ["+CMGD: (%s),(0-4)" % ",".join(str(i) for i in sorted(self.messages))]
        fields = args.split(",") if kind == "=" else []
        if len(fields) > 1 and fields[1].strip() == "4":
            self.messages.clear()
            return []
        if fields and fields[0].isdigit():
            self.messages.pop(int(fields[0]), None)
            return []
        return None

    def start_body(self, command, kind, args):
        if kind == "=?":
            return []
        if kind != "=":
            return None
        self.body = bytearray()
        self.body_command = (command, args)
        self.send("\r\n> ")
        return []

    def ext__CMGS(self, kind, args):
        return self.start_body("+CMGS", kind, args)

    def ext__CMGW(self, kind, args):
        return self.start_body("+CMGW", kind, args)

    def finish_body(self):
        """The message after +CMGS or +CMGW is complete (Ctrl-Z seen)."""
        command, args = self.body_command
        body = self.body.decode("latin-1").strip()
        self.body = None
        self.log("> " + body)
        try:
            if self.cmgf == 0:
                number, text = parse_submit(body)
            else:
                number, text = args.split(",")[0].strip('"'), body
        except (ValueError, IndexError, KeyError) as e:
            self.log("# bad message: %s" % e)
            self.reply([], "ERROR")
            return
        if command == "+CMGS":
            self.reference = (self.reference + 1) % 256
            self.log("# sms to %s: %s" % (number, text))
            self.reply(["+CMGS: %d" % self.reference])
            return
        index = self.free_slot()
        if index is None:
            self.reply([], "ERROR")
            return
        self.messages[index] = dict(stat=2, number=number, text=text, time=time.gmtime(),
                                    pdu=body if self.cmgf == 0 else None)
        self.reply(["+CMGW: %d" % index])

    def ext__CMSS(self, kind, args):
        message = self.messages.get(int(args.split(",")[0])) if kind == "=" else None
        if not message or message["stat"] not in (2, 3):
            return None
        message["stat"] = 3
        self.reference = (self.reference + 1) % 256
        self.log("# sms to %s: %s" % (message["number"], message["text"]))
        return ["+CMSS: %d" % self.reference]

    def free_slot(self):
        for index in range(1, SM_SLOTS + 1):
            if index not in self.messages:
                return index
        return None

    # --- the remote side ---

    def control(self, line):
        words = line.split()
        if not words or words[0].startswith("#"):
            return
        self.log("# control: " + line)
        verb, rest = words[0], words[1:]
        if verb == "ring" and len(rest) == 1:
            if self.calls:
                self.new_call(1, WAITING, rest[0])
                if self.ccwa:
                    self.urc('+CCWA: "%s",%d,1' % (rest[0], number_type(rest[0])))
            else:
                self.new_call(1, INCOMING, rest[0])
                self.ring()
        elif verb == "sms" and len(rest) >= 1:
            index = self.free_slot()
            if index is None:
                self.log("# SIM full, SMS dropped")
                return
            self.messages[index] = dict(stat=0, number=rest[0], text=line.split(None, 2)[2]
                                        if len(rest) > 1 else "", time=time.gmtime())
            self.urc('+CMTI: "SM",%d' % index)
        elif verb == "remote-answer":
            for c in self.calls:
                if c.direction == 0 and c.state in (DIALING, ALERTING):
                    self.answer(c)
                    break
        elif verb == "remote-hangup":
            ended = [c for c in self.calls if not rest or c.number == rest[0]]
            self.hang_up(ended)
            # An answered or outgoing call ends with NO CARRIER; a call that
            # was only ringing here just stops ringing.
            if any(c.direction == 0 or c.state in (ACTIVE, HELD) for c in ended):
                self.urc("NO CARRIER")
        elif verb == "register" and len(rest) == 1 and rest[0] in REGISTRATION:
            self.set_registration(REGISTRATION[rest[0]])
        else:
            self.log("# control: unknown command")


def number_type(number):
    return 145 if number.startswith("+") else 129


def split_commands(body):
    """Split "+COPS=3,2;+COPS?" at semicolons outside quotes."""
    parts, current, quoted = [], "", False
    for c in body:
        if c == '"':
            quoted = not quoted
        if c == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p.strip() for p in parts if p.strip()] or [""]


def main():
    parser = argparse.ArgumentParser(description="A simulated AT-command 3GPP modem on a pty.")
    parser.add_argument("--pty-link", help="make this a symbolic link to the pty slave")
    parser.add_argument("--control", help="FIFO for control lines (created)")
    parser.add_argument("--log", default="/dev/null", help="append received commands here")
    parser.add_argument("--own-number", default="+15550001", help="the SIM's number (+CNUM)")
    parser.add_argument("--imei", default="490154203237518")
    parser.add_argument("--imsi", default="001010123456789")
    parser.add_argument("--iccid", default="8900101234567890123")
    parser.add_argument("--operator", default="Cells Mobile")
    args = parser.parse_args()

    master, slave = pty.openpty()
    tty.setraw(slave)                 # no echo, no line editing until MM sets it up
    os.set_blocking(master, False)
    path = os.ttyname(slave)

    log = open(args.log, "a", encoding="utf-8")
    modem = Modem(args, master, log)

    selector = selectors.DefaultSelector()
    selector.register(master, selectors.EVENT_READ, "modem")
    if args.control:
        if os.path.exists(args.control):
            os.unlink(args.control)
        os.mkfifo(args.control, 0o600)
        # Opened read-write, it never reports end of file between writers.
        control = os.open(args.control, os.O_RDWR | os.O_NONBLOCK)
        selector.register(control, selectors.EVENT_READ, "control")
    if args.pty_link:
        tmp = args.pty_link + ".tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(path, tmp)
        os.replace(tmp, args.pty_link)
    print(path, flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    pending = b""
    try:
        while True:
            for key, _ in selector.select(modem.next_timeout()):
                try:
                    data = os.read(key.fd, 4096)
                except (BlockingIOError, OSError):
                    continue
                if key.data == "modem":
                    modem.feed(data)
                else:
                    pending += data
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        modem.control(line.decode("utf-8", "replace").strip())
            modem.run_timers()
    finally:
        if args.pty_link and os.path.islink(args.pty_link):
            os.unlink(args.pty_link)
        if args.control and os.path.exists(args.control):
            os.unlink(args.control)


if __name__ == "__main__":
    main()
