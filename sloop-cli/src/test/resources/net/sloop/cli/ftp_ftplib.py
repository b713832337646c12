# Python's ftplib (a client nobody here wrote) against an FTP server, for FtpClientsInteropTest;
# run inside the test's namespace (ip netns exec). The served tree is on the same host, so every
# answer is compared with the file system itself.
#
# usage: ftp_ftplib.py HOST USER PASS ROOT CHECK...
#   ROOT   the directory the server serves (read here to compare)
#   CHECK  one of
#     list      LIST of / and of every directory: every name of the tree is there (RFC 959 4.1.3)
#     mlsd      MLSD of / and of every directory: type and size facts equal the tree's (RFC 3659 7)
#     retr      RETR of every file of the tree: bytes equal
#     stor      STOR of new files into upload/: bytes equal on the server's disk afterwards
#     rest      REST + RETR from the middle (RFC 3659 5); REST + STOR to finish a cut-off upload
#     abor      ABOR (sent as urgent data, as ftplib does) in the middle of a RETR: 426/226/225,
#               then the session goes on (NOOP 200, another RETR correct) (RFC 959 4.1.3)
#     cycles:N  N cycles of PASV + LIST of one directory on one session, each listing complete;
#               prints the time it took
#     retrtime:DIR  RETR of every file of DIR, each timed: median and worst ms
#
# Prints one line per check: "ok CHECK details" or "FAIL CHECK reason"; exit status 0 unless a
# check failed.
import ftplib, hashlib, io, os, socket, sys, time

host, user, password, root = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
checks = sys.argv[5:]
failed = 0


def out(*a):
    print(*a, flush=True)


def fail(check, why):
    global failed
    failed += 1
    out('FAIL', check, why)


def session():
    f = ftplib.FTP()
    f.connect(host, 21, timeout=20)
    f.login(user, password)
    f.voidcmd('TYPE I')
    return f


def tree():
    """(directories, files) of ROOT, as server paths ('/d00', '/d00/f000'), upload/ left out."""
    dirs, files = ['/'], []
    for d, ds, fs in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel.split(os.sep)[0] == 'upload':
            continue
        for x in ds:
            if x != 'upload' or rel != '.':
                dirs.append('/' + os.path.normpath(os.path.join(rel, x)))
        for x in fs:
            files.append('/' + os.path.normpath(os.path.join(rel, x)))
    return sorted(dirs), sorted(files)


def local(path):
    with open(os.path.join(root, path.lstrip('/')), 'rb') as fh:
        return fh.read()


def retr(f, path, rest=None):
    buf = io.BytesIO()
    f.retrbinary('RETR ' + path, buf.write, rest=rest)
    return buf.getvalue()


def names_on_disk(d):
    return sorted(x for x in os.listdir(os.path.join(root, d.lstrip('/'))))


def check_list(f):
    dirs, _ = tree()
    for d in dirs:
        lines = []
        f.retrlines('LIST ' + d, lines.append)
        names = sorted(l.split(None, 8)[8] for l in lines if len(l.split(None, 8)) == 9 and l.split(None, 8)[8] not in ('.', '..'))
        if names != names_on_disk(d):
            return fail('list', '%s: LIST names %s, disk %s' % (d, names[:5], names_on_disk(d)[:5]))
    out('ok list dirs=%d' % len(dirs))


def check_mlsd(f):
    dirs, _ = tree()
    entries = 0
    for d in dirs:
        facts = {n: fx for n, fx in f.mlsd(d) if n not in ('.', '..') and fx.get('type', '').lower() not in ('cdir', 'pdir')}
        if sorted(facts) != names_on_disk(d):
            return fail('mlsd', '%s: MLSD names %s, disk %s' % (d, sorted(facts)[:5], names_on_disk(d)[:5]))
        for n, fx in facts.items():
            p = os.path.join(root, d.lstrip('/'), n)
            want = 'dir' if os.path.isdir(p) else 'file'
            if fx.get('type', '').lower() != want:
                return fail('mlsd', '%s/%s: type=%s, disk %s' % (d, n, fx.get('type'), want))
            if want == 'file' and int(fx.get('size', -1)) != os.path.getsize(p):
                return fail('mlsd', '%s/%s: size=%s, disk %d' % (d, n, fx.get('size'), os.path.getsize(p)))
            entries += 1
    out('ok mlsd dirs=%d entries=%d' % (len(dirs), entries))


def check_retr(f):
    _, files = tree()
    total = 0
    for p in files:
        got = retr(f, p)
        if got != local(p):
            return fail('retr', '%s: %d bytes, disk %d (or content differs)' % (p, len(got), len(local(p))))
        total += len(got)
    out('ok retr files=%d bytes=%d' % (len(files), total))


def payload(n, seed):
    return hashlib.sha256(seed.encode()).digest() * (n // 32) + b'x' * (n % 32)


def check_stor(f):
    sizes = [0, 1, 1459, 65536, 300001]
    for i, n in enumerate(sizes):
        data = payload(n, 'stor%d' % i)
        f.storbinary('STOR /upload/ftplib-%d.bin' % i, io.BytesIO(data))
        if local('/upload/ftplib-%d.bin' % i) != data:
            return fail('stor', 'upload/ftplib-%d.bin (%d bytes) differs on disk' % (i, n))
    out('ok stor files=%d' % len(sizes))


def check_rest(f):
    _, files = tree()
    big = max(files, key=lambda p: len(local(p)))
    whole = local(big)
    at = len(whole) // 2 + 7
    got = retr(f, big, rest=at)
    if got != whole[at:]:
        return fail('rest', 'RETR %s from %d: %d bytes, want %d' % (big, at, len(got), len(whole) - at))
    # An upload cut off after `cut` bytes (the data connection closed early), then resumed with REST + STOR.
    data = payload(200_000, 'rest')
    cut = 70_001
    f.storbinary('STOR /upload/resumed.bin', io.BytesIO(data[:cut]))
    size = f.size('/upload/resumed.bin')
    if size != cut:
        return fail('rest', 'SIZE after the cut-off upload: %s, want %d' % (size, cut))
    f.storbinary('STOR /upload/resumed.bin', io.BytesIO(data[size:]), rest=size)
    if local('/upload/resumed.bin') != data:
        return fail('rest', 'upload resumed with REST %d + STOR: %d bytes on disk, want %d (or content differs)'
                    % (size, len(local('/upload/resumed.bin')), len(data)))
    out('ok rest retr-from=%d stor-from=%d' % (at, size))


def check_abor(f):
    _, files = tree()
    big = max(files, key=lambda p: len(local(p)))
    whole = local(big)
    conn = f.transfercmd('RETR ' + big)
    conn.settimeout(10)
    first = conn.recv(4096)
    if not first:
        return fail('abor', 'no data before ABOR')
    resp = f.abort()  # "ABOR\r\n" sent with MSG_OOB (urgent), as ftplib does; reads one reply
    conn.close()
    codes = [resp[:3]]
    # 426 (transfer aborted) is followed by 226 (ABOR done); 225/226 alone when the transfer had ended.
    if codes[0] == '426':
        codes.append(f.getresp()[:3])
    if codes[-1] not in ('225', '226'):
        return fail('abor', 'replies to ABOR %s, want 426 then 226, or 225/226' % codes)
    noop = f.voidcmd('NOOP')
    again = retr(f, big)
    if again != whole:
        return fail('abor', 'RETR after ABOR: %d bytes, want %d' % (len(again), len(whole)))
    out('ok abor replies=%s noop=%s' % ('/'.join(codes), noop[:3]))


def check_cycles(f, n):
    dirs, _ = tree()
    d = dirs[1] if len(dirs) > 1 else '/'
    want = names_on_disk(d)
    t0 = time.monotonic()
    for i in range(n):
        lines = []
        f.retrlines('LIST ' + d, lines.append)  # ftplib: PASV (passive by default), then LIST, then the 226
        names = sorted(l.split(None, 8)[8] for l in lines if len(l.split(None, 8)) == 9)
        if names != want:
            return fail('cycles', 'cycle %d: LIST %s gave %d names, want %d' % (i, d, len(names), len(want)))
    dt = time.monotonic() - t0
    out('ok cycles n=%d seconds=%.2f per_cycle_ms=%.2f' % (n, dt, dt * 1000 / n))


def check_retrtime(f, d):
    """RETR of every file in directory d, each timed from the command to the 226: the median and
    the worst, in ms. A file is one round trip or two; nothing should wait for a timer."""
    names = names_on_disk('/' + d)
    ms = []
    for n in names:
        t0 = time.monotonic()
        got = retr(f, '/%s/%s' % (d, n))
        ms.append((time.monotonic() - t0) * 1000)
        if got != local('/%s/%s' % (d, n)):
            return fail('retrtime', '%s/%s differs' % (d, n))
    ms.sort()
    out('ok retrtime files=%d median_ms=%.1f worst_ms=%.1f all=%s' % (len(ms), ms[len(ms) // 2], ms[-1], ','.join('%.0f' % x for x in ms)))


for c in checks:
    try:
        f = session()
        try:
            if c.startswith('cycles:'):
                check_cycles(f, int(c.split(':')[1]))
            elif c.startswith('retrtime:'):
                check_retrtime(f, c.split(':')[1])
            else:
                globals()['check_' + c](f)
            f.quit()
        finally:
            f.close()
    except (ftplib.all_errors) as e:
        fail(c, '%s: %s' % (type(e).__name__, str(e).strip()))
sys.exit(1 if failed else 0)
