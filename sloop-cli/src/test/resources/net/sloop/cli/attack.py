# Hostile Linux clients for AttackInteropTest, run inside the test's namespace (ip netns exec).
#
# Opens the hostile connections described by SPECs, holds them for HOLD seconds while probing
# another service with a FRESH connection once a second, then closes every hostile socket the
# way an ordinary program does (close(2); Linux sends a FIN, or a RST if unread data is left) and
# prints what happened, one line per probe, for the Java side to assert on:
#
#   hostile KIND PORT opened=N failed=F [first error]
#   probe I at=SECONDS ok ms=MS            (or: probe I at=SECONDS FAIL ms=MS REASON)
#   states KIND PORT ESTABLISHED=8 CLOSE=2  (Linux's view of the hostile sockets at the end of the hold)
#   probes total=N ok=M worst_ms=MS
#
# usage: attack.py HOST HOLD PROBE STOPFILE SPEC...
#   HOLD      seconds to hold (and probe); every loop below is bounded by it
#   PROBE     daytime | echo | none: the service a fresh connection must get an answer from
#   STOPFILE  a path; probing (and the hold) ends early once it exists ('-': never)
#   SPEC      KIND:PORT:COUNT with KIND one of
#     byte        send one byte, then sit idle: idle keep-alive holders, slowloris
#     idle        connect and send nothing: pre-connected idle sockets
#     noread      connect and never read: a slow or stalled reader, the window closes
#     halfnoread  never read; once the window has closed, shutdown(SHUT_WR): the server's side
#                 ends up an orphan with data queued behind a zero window whose probes Linux
#                 keeps answering (FIN_WAIT_1 for ever, unless the server bounds orphans)
#     keepopen    read to the server's EOF and keep the socket open: the server's side waits
#                 in FIN_WAIT_2 for a FIN that never comes (a client that leaks sockets)
import fcntl, os, select, socket, struct, sys, termios, time

host, hold, probe, stopfile = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
specs = [a.split(':') for a in sys.argv[5:]]
PROBE_LIMIT = 3.0  # seconds a fresh connection may take to answer
STATES = {1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
          7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING'}


def out(*a):
    print(*a, flush=True)


def drain(s):
    """Reads what is already there, without waiting; returns False once the peer has closed or reset."""
    s.setblocking(False)
    try:
        for _ in range(10000):
            if not s.recv(65536):
                return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    return True


def connect_all(port, count, limit=4.0):
    """Connects count sockets at once (non-blocking), waiting at most limit seconds in all."""
    pending, done, errors = {}, [], []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, port))
        pending[s.fileno()] = s
    deadline = time.monotonic() + limit
    while pending and time.monotonic() < deadline:
        _, w, _ = select.select([], list(pending.values()), [], max(0.0, deadline - time.monotonic()))
        for s in w:
            del pending[s.fileno()]
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                errors.append(os.strerror(err))
                s.close()
            else:
                s.setblocking(True)
                done.append(s)
    for s in pending.values():
        errors.append('no connection after %.0f s' % limit)
        s.close()
    return done, errors


def act(kind, s, deadline):
    """What the hostile client does once connected (halfnoread's shutdown comes later, see below)."""
    s.settimeout(max(0.01, deadline - time.monotonic()))
    if kind == 'byte':
        s.sendall(b'x')
    elif kind == 'keepopen':
        while s.recv(4096):
            s.settimeout(max(0.01, deadline - time.monotonic()))
    elif kind not in ('idle', 'noread', 'halfnoread'):
        raise SystemExit('unknown kind ' + kind)


def unread(s):
    """Bytes waiting in Linux's receive queue (FIONREAD)."""
    try:
        return struct.unpack('i', fcntl.ioctl(s.fileno(), termios.FIONREAD, b'\0' * 4))[0]
    except OSError:
        return -1


def state(s):
    try:
        return STATES.get(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0], '?')
    except OSError:
        return 'closed'


def probe_once(service, port):
    """One fresh connection: daytime must send a line and close, echo must return 100 bytes."""
    t0 = time.monotonic()
    left = lambda: max(0.01, PROBE_LIMIT - (time.monotonic() - t0))
    s = socket.socket()
    try:
        s.settimeout(left())
        s.connect((host, port))
        if service == 'daytime':
            got = b''
            while True:
                s.settimeout(left())
                b = s.recv(1024)
                if not b:
                    break
                got += b
                assert len(got) < 1024, 'daytime line too long'
            assert got.endswith(b'\r\n') and len(got) > 10, 'daytime answered %r' % got
        else:
            msg = os.urandom(100)
            s.sendall(msg)
            got = b''
            while len(got) < len(msg):
                s.settimeout(left())
                b = s.recv(1024)
                assert b, 'echo closed after %d bytes' % len(got)
                got += b
            assert got == msg, 'echo returned other bytes'
        ms = (time.monotonic() - t0) * 1000
        assert ms <= PROBE_LIMIT * 1000, 'answered after %.0f ms' % ms
        return True, ms, ''
    except (OSError, AssertionError) as e:
        return False, (time.monotonic() - t0) * 1000, '%s: %s' % (type(e).__name__, e)
    finally:
        s.close()


hostile = []
for kind, port, count in specs:
    port = int(port)
    socks, errors = connect_all(port, int(count))
    deadline = time.monotonic() + 4
    for s in socks:
        try:
            act(kind, s, deadline)
        except OSError as e:
            errors.append('%s: %s' % (type(e).__name__, e))
        hostile.append((kind, port, s))
    out('hostile', kind, port, 'opened=%d' % len(socks), 'failed=%d' % (int(count) - len(socks)), (errors or [''])[0])
if any(k == 'halfnoread' for k, _, _ in hostile):
    # Half-close only once the server's data has closed Linux's window, so that the server's side
    # becomes an orphan (the service closes on our FIN) with data queued behind a zero window.
    time.sleep(1.0)
    halves = [s for k, _, s in hostile if k == 'halfnoread']
    for s in halves:
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    out('halfclosed', len(halves), 'unread=%s' % ','.join(str(unread(s)) for s in halves))

start = time.monotonic()
time.sleep(min(0.5, hold))  # let the hostile load set in (windows close, orphans form)
ports = {'daytime': 13, 'echo': 7}
results, i = [], 0
while probe != 'none' and i < 1000:
    at = time.monotonic() - start
    if at >= hold or (i > 0 and stopfile != '-' and os.path.exists(stopfile)):
        break
    i += 1
    ok, ms, why = probe_once(probe, ports[probe])
    results.append((ok, ms))
    out('probe', i, 'at=%.1f' % at, 'ok' if ok else 'FAIL', 'ms=%.0f' % ms, why)
    time.sleep(max(0.0, start + i + 0.5 - time.monotonic()))  # about once a second
while time.monotonic() - start < hold and not (stopfile != '-' and os.path.exists(stopfile)):
    time.sleep(0.1)

counts = {}
for kind, port, s in hostile:
    counts.setdefault((kind, port), {}).setdefault(state(s), 0)
    counts[(kind, port)][state(s)] += 1
for (kind, port), c in counts.items():
    out('states', kind, port, ' '.join('%s=%d' % kv for kv in sorted(c.items())))
for kind, port, s in hostile:
    if kind in ('byte', 'idle', 'keepopen'):
        drain(s)  # nothing unread: close(2) sends a FIN and the connection ends in order
    s.close()     # noread, halfnoread: unread data, so Linux resets (as any program that exits does)
out('probes', 'total=%d' % len(results), 'ok=%d' % sum(1 for r in results if r[0]),
    'worst_ms=%.0f' % max([r[1] for r in results] or [0]))
