#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The switcher as a person meets it: cells-switcher in Xvfb against the
# built cellsd on a private system bus (tests/cells-session.sh), with two
# running cells and a stopped one, a SIP line on a registrar on loopback
# (tests/telephony/sip-session.sh: kamailio, and SIPp as the caller).
# It is driven through real pointer and key events at the places the
# accessibility tree gives (AT-SPI, which sends them with XTEST), and
# checked from what is on screen: the accessibility tree's texts and
# screenshots of the whole display.
#
#   test-switcher.py BUILD_DIR SOURCE_DIR [SCREENSHOT_DIR]
#
# Prints TAP. Needs root (cells are containers); exits 77 with a message
# when a tool is missing. Screenshots go to SCREENSHOT_DIR (default
# BUILD_DIR/tests/ui-screenshots).

import glob
import os
import resource
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
shots = sys.argv[3] if len(sys.argv) > 3 else os.path.join(build, "tests", "ui-screenshots")
session = os.path.join(source, "tests", "cells-session.sh")
sip_session = os.path.join(source, "tests", "telephony", "sip-session.sh")
cellsctl = os.path.join(build, "daemon", "cellsctl", "cellsctl")
switcher = os.path.join(build, "switcher-ui", "cells-switcher")
CELL_INIT = ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
WIDTH, HEIGHT = 360, 720
COLORS = {"work": "#3584e4", "home": "#2ec27e", "spare": "#9141ac"}

n = 0
started = []          # (name, Popen) of what this test started, ended in reverse


def skip(why):
    print("1..0 # SKIP " + why)
    sys.exit(77)


def ok(what):
    global n
    n += 1
    print("ok %d - %s" % (n, what), flush=True)


def fail(what):
    global n
    n += 1
    print("not ok %d - %s" % (n, what), flush=True)
    # What the screen showed, for whoever looks into it.
    try:
        print("# the screen: %s" % screenshot("failed", settle=False), flush=True)
    except Exception:
        pass
    raise SystemExit(1)


def check(cond, what):
    if not cond:
        fail(what)


def note(text):
    for line in str(text).splitlines():
        print("# " + line, flush=True)


if os.getuid() != 0:
    skip("needs root (cells are containers)")
for tool in ["Xvfb", "import", "dbus-daemon", "busctl", "lxc-start", "kamailio", "sipp"]:
    if shutil.which(tool) is None:
        skip(tool + " is missing (tests/setup-host.sh installs it)")
if not os.access(switcher, os.X_OK):
    skip("cells-switcher was not built (GTK 4 and libadwaita missing)")
try:
    import gi  # noqa: F401
except ImportError:
    skip("python3-gi is missing (tests/setup-host.sh installs it)")
if subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"], capture_output=True).returncode:
    skip("python3-pyatspi is missing (tests/setup-host.sh installs it)")

# A name the test can type with plain keys (no "_", which needs Shift).
tmp = tempfile.mkdtemp(prefix="cells-ui.")
while "_" in tmp:
    os.rmdir(tmp)
    tmp = tempfile.mkdtemp(prefix="cells-ui.")
os.chmod(tmp, 0o711)
os.makedirs(shots, exist_ok=True)
if os.path.exists(os.path.join(shots, "failed.png")):
    os.remove(os.path.join(shots, "failed.png"))
os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=%s/bus" % tmp
runtime = os.path.join(tmp, "runtime")
os.makedirs(runtime, mode=0o700)


def run(*argv, check_rc=True, **kw):
    p = subprocess.run(list(argv), capture_output=True, text=True, **kw)
    if check_rc and p.returncode != 0:
        fail("%s: %s" % (" ".join(argv), p.stderr.strip()))
    return p


def wait_for(cond, seconds=10, step=0.05):
    end = time.monotonic() + seconds
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > end:
            return value
        time.sleep(step)


def prop(path, iface, name):
    p = run("busctl", "get-property", "org.cells.Cells1", path, "org.cells.Cells1." + iface,
            name, check_rc=False)
    return p.stdout.strip()


def foreground():
    return prop("/org/cells/Cells1", "Manager", "Foreground")


def cell_prop(cell, name):
    return prop("/org/cells/Cells1/cell/" + cell.replace("-", "_"), "Cell", name)


def cleanup():
    for name, proc in reversed(started):
        if name == "sipp":
            # The script's SIPp, in the process group started here: SIGKILL,
            # since SIPp takes SIGTERM as "end when the calls have ended".
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    subprocess.run(["sh", sip_session, "stop", tmp], capture_output=True)
    subprocess.run(["sh", session, "stop", tmp], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def start(name, argv, **kw):
    proc = subprocess.Popen(argv, **kw)
    started.append((name, proc))
    return proc


# The cells

def setup_cells():
    run("sh", session, "image", tmp, build)
    run("sh", session, "phone-image", tmp)
    run("sh", session, "bus", tmp)
    run("sh", session, "cellsd", tmp, build)
    run(cellsctl, "image", "import", "busybox", tmp + "/busybox.tar.gz")
    run(cellsctl, "image", "import", "phone", tmp + "/phone.tar.gz")
    run("sh", sip_session, "start", tmp)
    run(cellsctl, "create", "work", "--image", "phone", "--display-name", "Work",
        "--color", COLORS["work"], "--phone-line", "sip", "--sip-registrar", "127.0.0.1:5560",
        "--sip-user", "2001", "--sip-password", "secret", "--", "/sbin/phone-init")
    run(cellsctl, "create", "home", "--image", "busybox", "--display-name", "Personal",
        "--color", COLORS["home"], "--", *CELL_INIT)
    run(cellsctl, "create", "spare", "--image", "busybox", "--display-name", "Travel",
        "--color", COLORS["spare"], "--", *CELL_INIT)
    run(cellsctl, "start", "work")
    run(cellsctl, "start", "home")
    run(cellsctl, "switch", "home")


# The display, the accessibility bus and the switcher

def start_display():
    number = next(i for i in range(90 + os.getpid() % 100, 400)
                  if not os.path.exists("/tmp/.X%d-lock" % i) and
                  not os.path.exists("/tmp/.X11-unix/X%d" % i))
    start("Xvfb", ["Xvfb", ":%d" % number, "-screen", "0", "%dx%dx24" % (WIDTH, HEIGHT),
                   "-nolisten", "tcp", "-noreset"],
          stdout=subprocess.DEVNULL, stderr=open(tmp + "/xvfb.log", "w"))
    check(wait_for(lambda: os.path.exists("/tmp/.X11-unix/X%d" % number), 10), "Xvfb starts")
    os.environ["DISPLAY"] = ":%d" % number
    # The accessibility bus's address goes under it, not into ~/.cache.
    os.environ["XDG_RUNTIME_DIR"] = runtime
    bus = start("session bus", ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE, text=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()


def start_switcher(language=None):
    env = dict(os.environ, GSK_RENDERER="cairo", GDK_BACKEND="x11", GTK_A11Y="atspi",
               GSETTINGS_BACKEND="memory", LANG="C.UTF-8", HOME=tmp,
               XDG_CONFIG_HOME=tmp + "/config", XDG_CACHE_HOME=tmp + "/cache",
               CELLS_SWITCHER_LOCALEDIR=os.path.join(build, "po"))
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    if language:
        env["LANGUAGE"] = language
    log = open(tmp + "/switcher.log", "a")
    # Should it crash, its core is in tmp, for the backtrace in the log.
    return start("switcher", [switcher, "--verbose"], env=env, stdout=log, stderr=log, cwd=tmp,
                 preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (-1, -1)))


def stop_switcher(proc):
    proc.terminate()
    proc.wait(10)


# Looking at the screen

def app():
    import pyatspi
    for a in pyatspi.Registry.getDesktop(0):
        if a is not None and name_of(a) == "cells-switcher":
            return a
    return None


def showing(acc):
    """GTK 4.8 marks no widget SHOWING, but a hidden one not VISIBLE."""
    import pyatspi
    try:
        return acc.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def extents(acc):
    import pyatspi
    return acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)


def visible(acc):
    if not showing(acc):
        return False
    try:
        e = extents(acc)
    except Exception:
        return False
    return e.width > 0 and e.height > 0 and e.x < WIDTH and e.y < HEIGHT and e.y + e.height > 0


def walk(acc):
    """Everything visible below @acc. An object that went away while it was
    read (GTK replaces some as it redraws) is passed over, not its siblings."""
    try:
        if not showing(acc) and acc.getRoleName() != "application":
            return
        count = acc.childCount
    except Exception:
        return
    yield acc
    for i in range(count):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        if child is not None:
            yield from walk(child)


def name_of(acc):
    try:
        return acc.name
    except Exception:
        return ""


def find_all(role=None, name=None, contains=None):
    a = app()
    if a is None:
        return []
    found = []
    for acc in walk(a):
        try:
            if role and acc.getRoleName() != role:
                continue
            if name is not None and acc.name != name:
                continue
            if contains is not None and contains not in acc.name:
                continue
        except Exception:
            continue
        if visible(acc):
            found.append(acc)
    return found


def find(role=None, name=None, contains=None, seconds=10):
    found = wait_for(lambda: find_all(role, name, contains), seconds, 0.2)
    return found[0] if found else None


def screen_texts():
    return sorted(set(name_of(acc) for acc in find_all() if name_of(acc)))


def tap(acc, what="it"):
    """A pointer click in the middle of @acc, as the display server sees one."""
    import pyatspi
    check(acc is not None, "%s is on screen: %s" % (what, screen_texts()))
    # Where it is once the layout has settled (a banner that went, say):
    # the same for half a second.
    def settled():
        seen = [tuple(extents(acc))]
        for _ in range(2):
            time.sleep(0.25)
            seen.append(tuple(extents(acc)))
        return seen[0] if len(set(seen)) == 1 else None
    e = wait_for(settled, 5, 0)
    check(e is not None, "%s stays in one place" % what)
    e = extents(acc)
    pyatspi.Registry.generateMouseEvent(e.x + e.width // 2, e.y + e.height // 2, "b1c")


def type_text(text):
    import pyatspi
    for ch in text:
        pyatspi.Registry.generateKeyboardEvent(ord(ch), None, pyatspi.KEY_SYM)
        time.sleep(0.03)


def press(keysym):
    import pyatspi
    pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)


def screenshot(name, settle=True):
    import pyatspi
    if settle:
        # The pointer out of the way, so that no hover shows.
        pyatspi.Registry.generateMouseEvent(WIDTH - 1, HEIGHT - 1, "abs")
        time.sleep(0.2)
    path = os.path.join(shots, name + ".png")
    run("import", "-window", "root", path)
    return path


def capture():
    """The whole screen now: (width, height, RGB bytes)."""
    data = subprocess.run(["import", "-window", "root", "-depth", "8", "ppm:-"],
                          capture_output=True).stdout
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    check(fields[0] == b"P6" and fields[3] == b"255", "a screen capture: %r" % fields)
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def pixel(x, y):
    """The colour of the screen at (x, y) now, as #rrggbb."""
    width, height, rgb = capture()
    i = (y * width + x) * 3
    return "#%02x%02x%02x" % tuple(rgb[i:i + 3])


def close(c1, c2, slack=24):
    a = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(c2[i:i + 2], 16) for i in (1, 3, 5)]
    return all(abs(x - y) <= slack for x, y in zip(a, b))


def scroll_to(contains, role="label"):
    """Turns the wheel over the page until a text with @contains is on screen."""
    import pyatspi
    for _ in range(40):
        found = find_all(role=role, contains=contains)
        if found:
            return found[0]
        pyatspi.Registry.generateMouseEvent(WIDTH // 2, HEIGHT // 2, "b5c")
        time.sleep(0.1)
    return None


def scroll_back():
    import pyatspi
    for _ in range(40):
        pyatspi.Registry.generateMouseEvent(WIDTH // 2, HEIGHT // 2, "b4c")
    time.sleep(0.3)


def control(name, seconds=10):
    """What a person operates, called @name (not the label beside it)."""
    def controls():
        found = []
        for a in find_all(name=name):
            try:
                if a.getRoleName() != "label":
                    found.append(a)
            except Exception:
                pass
        return found
    found = wait_for(controls, seconds, 0.2)
    return found[0] if found else None


def card(display_name):
    return find(role="push button", contains=display_name + ",")


def card_named(display_name):
    return [c for c in find_all(role="push button") if c.name.startswith(display_name + ",")]


# The tests

def test_home():
    check(find(role="label", name="Personal", seconds=30) is not None,
          "the switcher shows the cells: %s" % screen_texts())
    for name, state in [("Personal", "Running"), ("Work", "Running"), ("Travel", "Stopped")]:
        c = card(name)
        check(c is not None, "a card for %s: %s" % (name, screen_texts()))
        check(state in c.name, "%s's card says %s: %s" % (name, state, c.name))
    check("On screen" in card("Personal").name and "On screen" not in card("Work").name,
          "the foreground cell's card is marked: %s" % [card("Personal").name])
    check(find(role="label", contains="2001") is not None, "Work's card shows its number 2001")
    # Each card's badge is drawn in the cell's colour.
    for display, cell in [("Personal", "home"), ("Work", "work"), ("Travel", "spare")]:
        e = extents(card(display))
        # Left of the initial, inside the disc.
        color = pixel(e.x + 10, e.y + e.height // 2)
        check(close(color, COLORS[cell]), "%s's badge is %s on screen (%s)" %
              (display, COLORS[cell], color))
    screenshot("home")
    ok("home: three cards with names, states, number, colours; Personal marked on screen")


def test_switch_from_outside():
    run("busctl", "call", "org.cells.Cells1", "/org/cells/Cells1", "org.cells.Cells1.Manager",
        "SwitchTo", "s", "work")
    check(wait_for(lambda: "On screen" in card("Work").name, 5),
          "a SwitchTo from busctl moves the mark to Work: %s" % card("Work").name)
    check("On screen" not in card("Personal").name, "Personal lost the mark")
    ok("a SwitchTo from busctl moves the foreground mark to Work")


def test_tap_to_switch():
    c = card("Personal")
    tap(c)
    # The switching card: the whole window in Personal's colour, with its name.
    color = wait_for(lambda: (lambda p: p if close(p, COLORS["home"]) else None)(
        pixel(WIDTH // 2, HEIGHT - 40)), 2, 0.01)
    check(color, "the tapped card covers the screen in the cell's colour")
    screenshot("switching", settle=False)
    check(wait_for(lambda: foreground() == 's "home"', 5),
          "tapping Personal's card switches to it: %s" % foreground())
    check(wait_for(lambda: "On screen" in card("Personal").name, 5), "Personal is marked")
    ok("tapping a card shows 'switching to' in the cell's colour and switches (Foreground home)")


def test_start_stopped():
    tap(card("Travel"))
    check(wait_for(lambda: foreground() == 's "spare"', 30),
          "tapping a stopped cell starts it and switches to it: %s" % foreground())
    check(wait_for(lambda: "Running" in card("Travel").name, 5),
          "Travel's card says Running: %s" % card("Travel").name)
    ok("tapping a stopped cell starts it and switches to it")


def focused(acc):
    import pyatspi
    try:
        return acc.getState().contains(pyatspi.STATE_FOCUSED)
    except Exception:
        return False


def test_keyboard():
    run(cellsctl, "switch", "--none")
    for _ in range(20):
        if focused(card("Work")):
            break
        press(0xff09)               # Tab
        time.sleep(0.15)
    check(focused(card("Work")), "Tab reaches Work's card")
    press(0xff0d)                   # Return
    check(wait_for(lambda: foreground() == 's "work"', 5),
          "Return on the focused card switches to it: %s" % foreground())
    ok("with the keyboard alone: Tab to a card, Return switches to it")


def udp_port_free(port):
    with open("/proc/net/udp") as f:
        return not any(":%04X " % port in line.split()[1] + " " for line in f.readlines()[1:])


def start_peer():
    check(wait_for(lambda: udp_port_free(5570), 35),
          "the SIP peer's port 5570 is free (another SIPp holds it)")
    return start("sipp", ["sh", sip_session, "peer", tmp, "call-declined", "-s", "2001"],
                 start_new_session=True)


def test_ring():
    run(cellsctl, "switch", "--none")
    check(wait_for(lambda: cell_prop("work", "PhoneLineState") == 's "registered"', 30),
          "Work's SIP line registers: %s" % cell_prop("work", "PhoneLineState"))
    peer = start_peer()
    banner = find(role="label", name="Call for Work", seconds=10)
    check(banner is not None, "a banner names the ringing cell: %s" % screen_texts())
    check(find(role="label", name="3000") is not None, "the banner names the caller 3000")
    check(wait_for(lambda: "Ringing" in card("Work").name, 2), "Work's card rings")
    screenshot("ringing")
    tap(find(role="push button", name="Decline"))
    try:
        rc = peer.wait(15)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, "Decline: the caller's call is refused (486) at the far end (sipp %s)" % rc)
    check(wait_for(lambda: not find_all(role="label", name="Call for Work"), 5),
          "the banner goes with the call")
    check(wait_for(lambda: cell_prop("work", "Calls") == "u 0", 5), "Work has no call left")
    ok("a ring in a background cell: banner with cell and caller; Decline ends it at the far end")

    peer = start_peer()
    check(find(role="label", name="Call for Work", seconds=10) is not None, "it rings again")
    tap(find(role="push button", name="Answer"))
    check(wait_for(lambda: foreground() == 's "work"', 5),
          "Answer switches to the ringing cell: %s" % foreground())
    ok("Answer switches to the ringing cell")
    # The cell's phone app would answer now; this one is let go.
    run("busctl", "call", "org.cells.Cells1", "/org/cells/Cells1", "org.cells.Cells1.Manager",
        "DeclineCall", "s", "work")
    check(peer.wait(15) == 0, "the call ends")
    check(wait_for(lambda: not find_all(role="label", name="Call for Work"), 5),
          "a call that stops ringing removes the banner")
    ok("a call that stops ringing removes its banner")


def test_cell_page():
    tap(find(role="push button", name="Settings of Personal"))
    red = control("Red")
    check(red is not None, "the cell page offers colours: %s" % screen_texts())
    tap(red)
    check(wait_for(lambda: cell_prop("home", "Color") == 's "#e01b24"', 5),
          "picking Red reaches cellsd: %s" % cell_prop("home", "Color"))
    ok("a colour picked on the cell page reaches cellsd (Color #e01b24)")

    sw = control("Start with the phone")
    check(sw is not None, "an autostart switch: %s" % screen_texts())
    tap(sw)
    check(wait_for(lambda: cell_prop("home", "Autostart") == "b true", 5),
          "autostart reaches cellsd: %s" % cell_prop("home", "Autostart"))
    ok("autostart switched on the cell page reaches cellsd")

    check(scroll_to("cannot be shared") is not None,
          "the screen's right says why it cannot be shared: %s" % screen_texts())
    check(scroll_to("cannot be exclusive") is not None,
          "the network's right says why it cannot be exclusive: %s" % screen_texts())
    network = control("Network")
    check(network is not None and network.getRoleName() != "label",
          "the network's right is a switch: %s" % screen_texts())
    tap(network)
    check(wait_for(lambda: '"network" "none"' in cell_prop("home", "Devices"), 5),
          "switching the network off reaches cellsd: %s" % cell_prop("home", "Devices"))
    screenshot("cell-page-devices")
    scroll_back()
    ok("the screen's and the network's rows say why a right is not offered; "
       "network off reaches cellsd")

    # What cellsd says to a number that is none, word for word.
    expected = run("busctl", "call", "org.cells.Cells1", "/org/cells/Cells1/cell/home",
                   "org.cells.Cells1.Cell", "Configure", "a{sv}", "1", "phone-number", "s",
                   "12ab", check_rc=False).stderr.strip()
    expected = expected.split(": ", 1)[-1] if expected.startswith("Call failed") else expected
    # The memory rows: what the running cell uses now, from cellsd.
    check(scroll_to("Memory in use") is not None, "a memory-in-use row: %s" % screen_texts())
    check(wait_for(lambda: [t for t in screen_texts()
                            if re.match(r"^[0-9.]+\s(KiB|MiB|GiB)$", t)], 10),
          "the running cell's memory in use is shown: %s" % screen_texts())
    check(control("Memory in the background in MiB") is not None,
          "a field for the memory in the background: %s" % screen_texts())
    ok("the cell page shows the memory the running cell uses, and its background ceiling")

    check(scroll_to("Phone number") is not None, "a phone number row: %s" % screen_texts())
    number = control("Phone number")
    check(number is not None, "a phone number field: %s" % screen_texts())
    tap(number)
    time.sleep(0.3)
    type_text("12ab")
    press(0xff0d)
    check(wait_for(lambda: find_all(role="label", name=expected), 5),
          "the refusal shows cellsd's sentence “%s”: %s" % (expected, screen_texts()))
    check(cell_prop("home", "PhoneNumber") == 's ""', "the number was not taken")
    screenshot("cell-page-refused")
    ok("a refused setting shows cellsd's own sentence: %s" % expected)
    tap(find(role="push button", name="Back"))
    check(find(role="label", name="Personal") is not None, "back on the home page")


def test_create():
    shutil.copy(tmp + "/busybox.tar.gz", tmp + "/extra-image.tar.gz")
    tap(find(role="push button", name="New cell"), "the new-cell button")
    tap(control("Short name (a-z, 0-9 and -)"), "the name field")
    time.sleep(0.3)
    type_text("extra")
    tap(find(role="push button", name="Import an Image…"), "the import button")
    # GTK's file chooser: a "/" opens its location field.
    check(find(name="Import an Image", seconds=10) is not None,
          "the file chooser opens: %s" % screen_texts())
    time.sleep(1)
    type_text(tmp + "/extra-image.tar.gz")
    time.sleep(0.3)
    press(0xff0d)
    check(wait_for(lambda: "extra-image" in run(cellsctl, "image", "list").stdout, 20),
          "the archive chosen is imported by cellsd: %s" % run(cellsctl, "image", "list").stdout)
    check(find(role="label", name="extra-image") is not None,
          "the imported image is the one offered: %s" % screen_texts())
    ok("an image imported from the new-cell page reaches cellsd and is offered")
    screenshot("create")
    tap(find(role="push button", name="Create"), "the create button")
    check(wait_for(lambda: "extra" in run(cellsctl, "list").stdout, 10),
          "Create makes the cell in cellsd: %s" % run(cellsctl, "list").stdout)
    check(card("extra") is not None, "the new cell has its card: %s" % screen_texts())
    check(cell_prop("extra", "Image") == 's "extra-image"',
          "it is made from the imported image: %s" % cell_prop("extra", "Image"))
    ok("a cell created on the new-cell page appears in cellsd and on the home page")


def busy(seconds=3.0):
    """The CPU time the switcher used in SECONDS of wall time, as a fraction."""
    proc = [p for name, p in started if name == "switcher" and p.poll() is None][-1]
    hz = os.sysconf("SC_CLK_TCK")

    def ticks():
        fields = open("/proc/%d/stat" % proc.pid).read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    before = ticks()
    time.sleep(seconds)
    return (ticks() - before) / hz / seconds


def test_idle(what):
    # A phone's screen stays on with the switcher on it: nothing redraws
    # while nothing changes (a spinner took a whole core).
    used = busy()
    check(used < 0.1, "the switcher idles on %s: %.0f %% of a core" % (what, used * 100))
    ok("the switcher idles on %s (%.1f %% of a core)" % (what, used * 100))


def test_restart():
    pid = int(open(tmp + "/cellsd.pid").read())
    os.kill(pid, signal.SIGKILL)
    check(find(role="label", name="The Cell Service Is Not Running", seconds=10) is not None,
          "cellsd killed: the switcher says the service is not running: %s" % screen_texts())
    screenshot("not-running")
    ok("cellsd killed: the 'not running' page")
    test_idle("the 'not running' page")
    run("sh", session, "cellsd", tmp, build)
    check(card("Work") is not None and card("Personal") is not None,
          "cellsd back: the cards are back by themselves: %s" % screen_texts())
    check(wait_for(lambda: "Running" in card("Work").name, 5), "Work is still running")
    ok("cellsd started again: the switcher is back by itself, with the cells")


def test_german(proc):
    stop_switcher(proc)
    start_switcher("de")
    check(find(role="label", name="Personal", seconds=30) is not None, "the switcher is back")
    c = card("Work")
    check(c is not None and "Läuft" in c.name, "German: Work „Läuft“: %s" % screen_texts())
    check(find(role="push button", name="Neue Zelle") is not None,
          "German: the new-cell button: %s" % screen_texts())
    screenshot("home-de")
    tap(find(role="push button", name="Einstellungen von Personal"))
    check(scroll_to("Zugriff auf Geräte") is not None,
          "German cell page: %s" % screen_texts())
    screenshot("cell-page-de")
    ok("LANGUAGE=de: the switcher speaks German")


def on_signal(sig, frame):
    raise SystemExit(1)


def main():
    t0 = time.monotonic()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, on_signal)
    try:
        setup_cells()
        start_display()
        proc = start_switcher()
        import pyatspi  # noqa: F401  (connects to the accessibility bus of DISPLAY)
        test_home()
        test_idle("the home page")
        test_switch_from_outside()
        test_tap_to_switch()
        test_ring()
        test_start_stopped()
        test_keyboard()
        run(cellsctl, "switch", "--none")
        test_cell_page()
        test_create()
        test_restart()
        test_german(proc)
    except BaseException as e:
        if not isinstance(e, SystemExit):
            import traceback
            note(traceback.format_exc())
            fail("the test ran through")
        raise
    finally:
        if n and sys.exc_info()[0] is not None:
            for name, proc in started:
                if name == "switcher" and proc.poll() is not None:
                    note("the switcher ended with %d" % proc.returncode)
            for core in glob.glob(tmp + "/core*"):
                if shutil.which("gdb"):
                    note(run("gdb", "-batch", "-ex", "bt", switcher, core,
                             check_rc=False).stdout[-4000:])
            for log in ["/switcher.log", "/xvfb.log"]:
                if os.path.exists(tmp + log):
                    note(open(tmp + log).read()[-3000:])
        cleanup()
        print("1..%d" % n)
    note("screenshots in %s; %.0f s" % (shots, time.monotonic() - t0))


main()
