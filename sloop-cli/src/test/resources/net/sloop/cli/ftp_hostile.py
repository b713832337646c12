# Hostile FTP clients for FtpHostileInteropTest, run inside the test's namespace (ip netns exec).
# Plain sockets speak the control protocol byte by byte, so nothing a library would tidy up
# (NUL, overlong UTF-8, lines without end) is lost on the way.
#
# usage: ftp_hostile.py HOST USER PASS ALTADDR BASE PROBE CHECK...
#   ALTADDR  a second address of this namespace (a foreign peer on the same link)
#   BASE     the directory holding root/ (the served tree) and outside/ (with outside/secret, which
#            no answer may ever contain; root/escape and root/escdir are symlinks to it)
#   PROBE    echo | none: while the checks run, a FRESH connection to echo (port 7) must answer
#            within 3 s, tried once a second
#   CHECK    prelogin | traversal | symlink | bounce | pasvthief | longline | pasvflood:N |
#            bruteforce:N | slow:N:SECONDS (see each function)
#
# Prints "ok CHECK details" or "FAIL CHECK reason" per check, "probe I ok ms=MS" (or FAIL) per
# probe, and "codes CHECK ..." with every reply code seen; exit status 0 unless a check failed.
import os, re, select, socket, sys, threading, time, traceback

host, user, password, alt, base, probe = sys.argv[1:7]
checks = sys.argv[7:]
SECRET = open(os.path.join(base, 'outside', 'secret'), 'rb').read().strip()
failed = 0
TRACE = os.environ.get('FTP_TRACE') == '1'
lock = threading.Lock()


def out(*a):
    with lock:
        print(*a, flush=True)


def fail(check, why):
    global failed
    failed += 1
    out('FAIL', check, why)


class Control:
    """One control connection; reply() reads one complete (possibly multi-line, RFC 959 4.2) reply."""

    def __init__(self, login=True, timeout=15, src=None, retry=True):
        for attempt in range(20):
            self.s = socket.create_connection((host, 21), timeout=timeout, source_address=(src, 0) if src else None)
            self.buf = b''
            self.greeting = self.reply()
            # 421 at once: the server still counts this address's previous session (its close is on the
            # way), or its session slots are full; an ordinary client tries again a moment later.
            if self.greeting[0] != 421 or not retry:
                break
            out('retry after greeting', self.greeting[1][:80])
            self.close()
            time.sleep(0.25)
        if self.greeting[0] != 220:
            raise RuntimeError('greeting: %d %s' % self.greeting)
        if login:
            self.cmd('USER ' + user)
            code, text = self.cmd('PASS ' + password)
            if code != 230:
                raise RuntimeError('login: %d %s' % (code, text))

    def line(self):
        while b'\r\n' not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError('control connection closed by the server')
            self.buf += chunk
        l, self.buf = self.buf.split(b'\r\n', 1)
        return l

    def reply(self):
        first = self.line()
        if SECRET in first:
            raise AssertionError('the secret in a reply: %r' % first)
        m = re.match(rb'^(\d{3})([ -])', first)
        if not m:
            raise ValueError('not a reply: %r' % first[:80])
        text = [first]
        if m.group(2) == b'-':
            while True:
                l = self.line()
                if SECRET in l:
                    raise AssertionError('the secret in a reply: %r' % l)
                text.append(l)
                if l.startswith(m.group(1) + b' '):
                    break
        return int(m.group(1)), b'\n'.join(text).decode('latin-1')

    def send(self, raw):
        self.s.sendall(raw)

    def cmd(self, c):
        self.send((c.encode('latin-1') if isinstance(c, str) else c) + b'\r\n')
        r = self.reply()
        if TRACE:
            out('trace', repr(c)[:120], '->', r[0], r[1][:100])
        return r

    def pasv(self):
        code, text = self.cmd('PASV')
        if code != 227:
            raise RuntimeError('PASV: %d %s' % (code, text))
        h = [int(x) for x in re.search(r'(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)', text).groups()]
        return '%d.%d.%d.%d' % tuple(h[:4]), h[4] * 256 + h[5]

    def transfer(self, c, upload=None):
        """PASV, connect, then c: (preliminary code, final code, data received); for STOR and
        APPE, upload is sent and the data connection closed."""
        addr, port = self.pasv()
        d = socket.create_connection((addr, port), timeout=10)
        try:
            code, _ = self.cmd(c)
            data = b''
            if code in (125, 150) and upload is not None:
                d.sendall(upload)
                d.close()
                final, _ = self.reply()
                return code, final, data
            if code in (125, 150):
                while True:
                    chunk = d.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                final, _ = self.reply()
                return code, final, data
            return code, None, data
        finally:
            d.close()

    def quit(self):
        try:
            self.cmd('QUIT')
        except (OSError, EOFError, ValueError):
            pass
        self.close()

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def expect(check, what, code, allowed, seen):
    seen.append('%s=%s' % (what, code))
    if code not in allowed:
        fail(check, '%s: reply %s, want one of %s' % (what, code, sorted(allowed)))
        return False
    return True


def check_prelogin():
    """RFC 959 5.4: before USER/PASS, commands that need a login are answered 530 and do nothing."""
    c = Control(login=False)
    seen = []
    ok = True
    for cmd in ['LIST', 'NLST', 'RETR d00/f000', 'STOR x', 'CWD d00', 'PASV', 'EPSV', 'PORT %s,200,1' % alt.replace('.', ','),
                'SIZE big.bin', 'MKD evil', 'DELE big.bin', 'MLSD']:
        code, _ = c.cmd(cmd)
        ok &= expect('prelogin', cmd.split()[0], code, {530}, seen)
    c.cmd('USER ' + user)
    code, _ = c.cmd('PASS ' + password)
    ok &= expect('prelogin', 'login after', code, {230}, seen)
    c.quit()
    out('codes prelogin', ' '.join(seen))
    if ok:
        out('ok prelogin commands=%d' % (len(seen) - 1))


def check_preloginflood(n):
    """n commands that need a login, before one: 530 each until the server has had enough and
    answers 421 and closes (it may not let a client that never logs in run commands for ever)."""
    c = Control(login=False)
    codes = []
    closed = False
    try:
        for i in range(n):
            code, _ = c.cmd('LIST')
            codes.append(code)
            if code == 421:
                break
        c.cmd('NOOP')
    except (EOFError, ConnectionError):
        closed = True
    c.close()
    bad = [x for x in codes if x not in (530, 421)]
    if bad or 421 not in codes or not closed:
        return fail('preloginflood', 'replies %s, closed=%s: want 530s, then 421 and the connection closed' % (codes, closed))
    out('ok preloginflood 530s=%d then 421 and closed' % codes.count(530))


TRAVERSALS = [b'../outside/secret', b'/../outside/secret', b'/../../../../../../..' + os.path.join(base, 'outside', 'secret').encode(),
              os.path.join(base, 'outside', 'secret').encode(), b'd00/../../outside/secret', b'./../outside/secret',
              b'..\\outside\\secret', b'\\..\\outside\\secret', b'd00\\..\\..\\outside\\secret',
              b'%2e%2e/outside/secret', b'%2e%2e%2foutside%2fsecret', b'..%2foutside%2fsecret', b'..%c0%afoutside%c0%afsecret',
              b'..\x00/outside/secret', b'd00/f000\x00/../../outside/secret', b'\x00../outside/secret',
              b'\xc0\xae\xc0\xae/outside/secret', b'\xc0\xae\xc0\xae\xc0\xafoutside\xc0\xafsecret', b'\xe0\x80\xae\xe0\x80\xae/outside/secret',
              b'..//outside//secret', b'....//outside/secret', b'~/../outside/secret', b'~root/../outside/secret']
# 550: not found / no access (RFC 959 4.2); 553: file name not allowed; 501: a syntax error in the argument (NUL, bad UTF-8).
REFUSED = {550, 553, 501}


def outside_untouched():
    return sorted(os.listdir(os.path.join(base, 'outside'))) == ['secret']


def try_form(c, p, seen):
    """Every verb on one hostile path form p; True if each was refused as it should be."""
    ok = True
    for verb in (b'RETR', b'SIZE', b'MDTM', b'CWD', b'DELE', b'RNFR'):
        code, text = c.cmd(verb + b' ' + p)
        if verb == b'RETR' and code in (125, 150):
            fail('traversal', 'RETR %r was started (%d)' % (p, code))
            ok = False
            continue
        ok &= expect('traversal', '%s %r' % (verb.decode(), p), code, REFUSED, seen)
        if verb == b'CWD' and code == 250:
            c.cmd('CWD /')
    for verb in (b'LIST', b'NLST', b'MLSD', b'RETR'):
        pre, final, data = c.transfer(verb + b' ' + p.replace(b'/secret', b'').replace(b'\\secret', b'') if verb != b'RETR' else b'RETR ' + p)
        if SECRET in data or b'secret' in data:
            fail('traversal', '%s %r showed what is outside the root: %r' % (verb.decode(), p, data[:200]))
            ok = False
        seen.append('%s=%s/%s' % (verb.decode(), pre, final))
    for verb in (b'STOR', b'MKD', b'APPE'):
        target = p.replace(b'secret', b'evil-' + verb.lower())
        if verb == b'MKD':
            code, _ = c.cmd(b'MKD ' + target)
        else:
            pre, final, _ = c.transfer(verb + b' ' + target, upload=b'evil')
            code = pre
            if pre in (125, 150):
                code = final
        # Without a slash, the argument is one name inside the current directory (on Linux a
        # backslash or '%' is an ordinary character of a name): fine to create; outside/ is checked below.
        literal = b'/' not in target
        ok &= expect('traversal', '%s %r' % (verb.decode(), target), code, REFUSED | ({226, 257} if literal else set()), seen)
    return ok


def check_traversal():
    c = Control()
    seen, ok = [], True
    for p in TRAVERSALS:
        try:
            ok &= try_form(c, p, seen)
        except EOFError:
            # Closing the session on a NUL in a command line is a fair answer (RFC 959 has no NUL in it).
            if b'\x00' not in p:
                raise
            seen.append('%r=closed' % p)
            c.close()
            c = Control()
    # CWD up from the root stays at the root (or is refused): PWD must say "/" and LIST must show the root.
    for up in ('..', '../..', '/..', '/../..', '...'):
        c.cmd('CWD /')
        code, _ = c.cmd('CWD ' + up)
        pcode, ptext = c.cmd('PWD')
        path = re.search(r'"(.*)"', ptext)
        if code == 250 and (path is None or path.group(1) != '/'):
            fail('traversal', 'CWD %s from / gave 250 and PWD %s' % (up, ptext))
            ok = False
        seen.append('CWD %s=%d PWD=%s' % (up, code, path.group(1) if path else ptext))
        pre, final, data = c.transfer(b'NLST')
        names = [n.rsplit(b'/', 1)[-1] for n in data.split(b'\r\n')]
        if b'outside' in names or b'root' in names:
            fail('traversal', 'NLST after CWD %s lists the parent: %r' % (up, data[:200]))
            ok = False
    if not outside_untouched():
        fail('traversal', 'outside/ was changed: %s' % os.listdir(os.path.join(base, 'outside')))
        ok = False
    code, _ = c.cmd('NOOP')
    ok &= expect('traversal', 'NOOP after', code, {200}, seen)
    c.quit()
    out('codes traversal', ' '.join(seen))
    if ok:
        out('ok traversal forms=%d replies=%d' % (len(TRAVERSALS), len(seen)))


def check_symlink():
    """root/escape -> outside/secret, root/escdir -> outside: the jail holds at symlinks too."""
    c = Control()
    seen, ok = [], True
    for verb, p in [('RETR', 'escape'), ('SIZE', 'escape'), ('CWD', 'escdir'), ('RETR', 'escdir/secret'), ('SIZE', 'escdir/secret'),
                    ('DELE', 'escape'), ('CWD', 'escdir/..')]:
        code, _ = c.cmd('%s %s' % (verb, p))
        if verb == 'RETR' and code in (125, 150):
            fail('symlink', 'RETR %s was started' % p)
            ok = False
            continue
        if verb == 'CWD' and p == 'escdir/..':
            seen.append('CWD escdir/..=%d' % code)  # "/" again, or refused: both fine
            c.cmd('CWD /')
            continue
        if verb == 'DELE' and code == 250:
            seen.append('DELE escape=250')  # removing the link itself is harmless; the target must stay
            continue
        ok &= expect('symlink', '%s %s' % (verb, p), code, REFUSED, seen)
    for verb, p in [('LIST', 'escdir'), ('NLST', 'escdir'), ('MLSD', 'escdir'), ('RETR', 'escdir/secret'), ('RETR', 'escape')]:
        pre, final, data = c.transfer('%s %s' % (verb, p))
        seen.append('%s %s=%s/%s' % (verb, p, pre, final))
        if SECRET in data or b'secret' in data:
            fail('symlink', '%s %s showed what is outside the root: %r' % (verb, p, data[:200]))
            ok = False
    for verb, p in [('STOR', 'escdir/evil'), ('APPE', 'escape')]:
        pre, final, _ = c.transfer('%s %s' % (verb, p), upload=b'evil')
        code = final if pre in (125, 150) else pre
        ok &= expect('symlink', '%s %s' % (verb, p), code, REFUSED, seen)
    if not outside_untouched() or open(os.path.join(base, 'outside', 'secret'), 'rb').read().strip() != SECRET:
        fail('symlink', 'outside/ was changed: %s' % os.listdir(os.path.join(base, 'outside')))
        ok = False
    c.quit()
    out('codes symlink', ' '.join(seen))
    if ok:
        out('ok symlink replies=%d' % len(seen))


def listener(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(4)
    s.setblocking(False)
    return s


def check_bounce():
    """RFC 2577 3: PORT/EPRT naming another host, or a port below 1024, is refused (504 or 5xx) and nothing connects there."""
    c = Control()
    me = c.s.getsockname()[0]
    c.close()
    traps = [listener(alt, 40999), listener(me, 25)]
    seen, ok = [], True
    cases = [('PORT %s,%d,%d' % (alt.replace('.', ','), 40999 // 256, 40999 % 256), 'PORT to another address'),
             ('PORT %s,0,25' % me.replace('.', ','), 'PORT to port 25'),
             ('EPRT |1|%s|40999|' % alt, 'EPRT to another address'),
             ('EPRT |1|%s|25|' % me, 'EPRT to port 25'),
             ('PORT 198,51,100,7,0,25', 'PORT to port 25 elsewhere')]
    for cmd, what in cases:
        c = Control()
        code, _ = c.cmd(cmd)
        ok &= expect('bounce', what, code, {500, 501, 504, 522}, seen)
        c.send(b'LIST\r\n')  # no data connection may be opened for it: 425 or 503, or 150 and nothing
        c.s.settimeout(3)
        try:
            code, _ = c.reply()
            seen.append('LIST after=%d' % code)
        except socket.timeout:
            seen.append('LIST after=none')
        r, _, _ = select.select(traps, [], [], 0.5)
        c.close()
        if r:
            fail('bounce', '%s: the server connected to the trap %s' % (what, r[0].getsockname()))
            ok = False
            for t in r:
                try:
                    t.accept()[0].close()
                except OSError:
                    pass
    for t in traps:
        t.close()
    out('codes bounce', ' '.join(seen))
    if ok:
        out('ok bounce cases=%d' % len(cases))


def check_pasvthief():
    """A data connection to a PASV port from another address (ALTADDR) gets nothing of the transfer."""
    c = Control()
    seen, ok = [], True
    addr, port = c.pasv()
    thief = socket.socket()
    thief.bind((alt, 0))
    thief.settimeout(5)
    try:
        thief.connect((addr, port))
        connected = True
    except OSError as e:
        connected = False
        seen.append('thief-connect=%s' % e.__class__.__name__)
    time.sleep(0.3)
    c.send(b'LIST /\r\n')
    mine = None
    try:
        mine = socket.create_connection((addr, port), timeout=5)
    except OSError as e:
        seen.append('owner-connect=%s' % e.__class__.__name__)
    code, text = c.reply()
    seen.append('LIST=%d' % code)
    if TRACE:
        out('trace LIST ->', code, text)
    if code == 425:  # a server may report the foreign connection at once (425), then answer LIST itself
        c.s.settimeout(2)
        try:
            code, text = c.reply()
            seen.append('then=%d' % code)
        except socket.timeout:
            pass
        c.s.settimeout(15)
    stolen = b''
    if connected:
        thief.settimeout(3)
        try:
            while True:
                chunk = thief.recv(65536)
                if not chunk:
                    break
                stolen += chunk
        except OSError as e:
            seen.append('thief-read=%s' % e.__class__.__name__)
    if stolen:
        fail('pasvthief', 'the foreign peer %s received %d bytes of the listing' % (alt, len(stolen)))
        ok = False
    mine_data = b''
    if code in (125, 150):
        if mine is not None:
            mine.settimeout(5)
            while True:
                chunk = mine.recv(65536)
                if not chunk:
                    break
                mine_data += chunk
        final, _ = c.reply()
        seen.append('final=%d owner-bytes=%d' % (final, len(mine_data)))
        if final != 226 or b'd00' not in mine_data:
            fail('pasvthief', 'the owner got %d bytes and %d' % (len(mine_data), final))
            ok = False
    else:
        ok &= expect('pasvthief', 'LIST after the thief', code, {425}, seen)
    for s in (thief, mine):
        if s is not None:
            s.close()
    code, _ = c.cmd('NOOP')
    ok &= expect('pasvthief', 'NOOP after', code, {200}, seen)
    pre, final, data = c.transfer('NLST /')  # the session goes on
    ok &= expect('pasvthief', 'NLST after', final, {226}, seen)
    c.quit()
    out('codes pasvthief', ' '.join(seen))
    if ok:
        out('ok pasvthief thief_connected=%s stolen=0' % connected)


def check_longline():
    """Lines longer than any command: 500 (RFC 959 4.2: 'command line too long'), then the session
    goes on (NOOP 200) or ends; the server never holds more than its line. A 1 MB line without an
    end may be answered at once, or once its CRLF comes: it is given 3 s, then its CRLF."""
    seen, ok = [], True
    for n, crlf in ((5_000, True), (100_000, True), (1_000_000, False)):
        c = Control()
        what = '%d bytes%s' % (n, '' if crlf else ' without CRLF')
        try:
            c.s.settimeout(15)
            c.send(b'NOOP ' + b'A' * n + (b'\r\n' if crlf else b''))
            if not crlf:
                c.s.settimeout(3)
                try:
                    code, _ = c.reply()
                    seen.append('%s=%d at once' % (what, code))
                except socket.timeout:
                    c.s.settimeout(15)
                    c.send(b'\r\n')
                    code, _ = c.reply()
                    seen.append('%s=%d after its CRLF' % (what, code))
            else:
                code, _ = c.reply()
                seen.append('%s=%d' % (what, code))
            if code not in (500, 501):
                fail('longline', '%s: reply %d, want 500' % (what, code))
                ok = False
            try:
                code, _ = c.cmd('NOOP')
                seen.append('NOOP after=%d' % code)
                if code != 200:
                    fail('longline', 'NOOP after the long line: %d' % code)
                    ok = False
            except (EOFError, ConnectionError):
                seen.append('closed after')
        except (EOFError, ConnectionError, socket.timeout) as e:
            fail('longline', '%s: no reply (%s)' % (what, e))
            ok = False
        finally:
            c.quit()
    out('codes longline', ' '.join(seen))
    if ok:
        out('ok longline')


def check_pasvflood(n):
    """PASV n times on one session without ever connecting: each 227 (the previous listener
    dropped, RFC 959 4.1.2), then a LIST on the last still works."""
    c = Control()
    ports = set()
    t0 = time.monotonic()
    for i in range(n):
        code, text = c.cmd('PASV')
        if code != 227:
            c.close()
            return fail('pasvflood', 'PASV %d: %d %s' % (i, code, text))
        h = [int(x) for x in re.search(r'(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)', text).groups()]
        ports.add(h[4] * 256 + h[5])
    dt = time.monotonic() - t0
    pre, final, data = c.transfer('NLST /')
    c.quit()
    if final != 226 or b'd00' not in data:
        return fail('pasvflood', 'NLST after %d PASV: %s/%s, %d bytes' % (n, pre, final, len(data)))
    out('ok pasvflood n=%d seconds=%.2f distinct_ports=%d lowest_port=%d highest_port=%d' % (n, dt, len(ports), min(ports), max(ports)))


def check_bruteforce(n):
    """n wrong passwords from ALTADDR (RFC 2577 5): each answered 530 (the server may delay it,
    close the session after a few with 421, and refuse the address with 421 at once for a while:
    each such refusal counts as an attempt). Then the right password from this host's own
    address still logs in: an attacker cannot lock the account out."""
    codes, per_conn = {}, []
    attempts = refused_at_greeting = 0
    time.sleep(1)  # the server takes in the end of this address's earlier sessions (slow, above)
    t0 = time.monotonic()
    while attempts < n:
        try:
            c = Control(login=False, src=alt, retry=False)
        except RuntimeError as e:  # 421 at the greeting: the address is refused
            refused_at_greeting += 1
            attempts += 1
            codes[421] = codes.get(421, 0) + 1
            continue
        tries = 0
        try:
            while attempts < n:
                code, _ = c.cmd('USER ' + user)
                if code == 331:
                    code, _ = c.cmd('PASS wrong-%d' % attempts)
                codes[code] = codes.get(code, 0) + 1
                if code == 230:
                    c.close()
                    return fail('bruteforce', 'wrong password %d was accepted' % attempts)
                if code not in (530, 421):
                    c.close()
                    return fail('bruteforce', 'wrong password %d: reply %d, want 530' % (attempts, code))
                attempts += 1
                tries += 1
                if code == 421:
                    break
        except (EOFError, ConnectionError):
            pass
        per_conn.append(tries)
        c.close()
    dt = time.monotonic() - t0
    c = Control(login=True)  # from this host's own address: raises if the right password is refused
    c.quit()
    out('codes bruteforce', ' '.join('%d:%d' % kv for kv in sorted(codes.items())))
    out('ok bruteforce attempts=%d seconds=%.1f sessions=%d max_tries_per_session=%d refused_at_greeting=%d'
        % (n, dt, len(per_conn), max(per_conn + [0]), refused_at_greeting))


def check_slow(n, hold):
    """n control connections from ALTADDR that send nothing (slowloris); meanwhile a real session
    from this host's own address logs in and lists, about once a second, and each must succeed. Reports how
    many idle ones the server refused at once and how many it closed during the hold."""
    idle = []
    for _ in range(n):
        try:
            idle.append(socket.create_connection((host, 21), timeout=5, source_address=(alt, 0)))
        except OSError:
            break
    end = time.monotonic() + hold
    sessions = bad = 0
    while time.monotonic() < end:
        sessions += 1
        try:
            c = Control(timeout=5, retry=False)
            pre, final, data = c.transfer('NLST /')
            c.quit()
            if final != 226 or b'd00' not in data:
                bad += 1
                out('slow-session FAIL NLST %s/%s' % (pre, final))
        except Exception as e:
            bad += 1
            where = traceback.extract_tb(e.__traceback__)
            out('slow-session FAIL %s: %s (at %s)' % (type(e).__name__, e, ' < '.join('%s:%d' % (f.name, f.lineno) for f in reversed(where))))
        time.sleep(1)
    greeted = refused = closed = 0
    for s in idle:
        s.setblocking(False)
        data = b''
        eof = False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    eof = True
                    break
                data += chunk
        except BlockingIOError:
            pass
        except OSError:
            eof = True
        if data.startswith(b'421'):
            refused += 1
        elif data.startswith(b'220'):
            greeted += 1
            if eof:
                closed += 1
        s.close()
    if bad:
        return fail('slow', '%d of %d sessions failed while %d idle clients held on' % (bad, sessions, len(idle)))
    out('ok slow idle=%d held=%.0fs sessions=%d greeted=%d refused_421=%d closed_during_hold=%d' % (len(idle), hold, sessions, greeted, refused, closed))


stop = threading.Event()


def prober():
    i = 0
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            s = socket.create_connection((host, 7), timeout=3)
            s.settimeout(3)
            s.sendall(b'probe %d\n' % i)
            got = b''
            while not got.endswith(b'\n'):
                chunk = s.recv(100)
                if not chunk:
                    break
                got += chunk
            s.close()
            ms = (time.monotonic() - t0) * 1000
            out('probe %d %s ms=%d' % (i, 'ok' if got == b'probe %d\n' % i else 'FAIL wrong echo %r' % got, ms))
        except OSError as e:
            out('probe %d FAIL ms=%d %s' % (i, (time.monotonic() - t0) * 1000, e))
        i += 1
        stop.wait(1)


t = None
if probe == 'echo':
    t = threading.Thread(target=prober, daemon=True)
    t.start()
for ch in checks:
    name, *args = ch.split(':')
    try:
        globals()['check_' + name](*[int(a) for a in args])
    except Exception as e:
        fail(ch, '%s: %s' % (type(e).__name__, e))
stop.set()
if t:
    t.join(5)
sys.exit(1 if failed else 0)
