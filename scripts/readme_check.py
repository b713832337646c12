#!/usr/bin/env python3
"""Runs the commands of README.md's shell blocks as a user would, and says which did not work.

usage: readme_check.py [README]     (from the repository's root, after the build: ./test calls it)

Every line of every ```sh block is a command (comments after two spaces and a '#' dropped).
`./sloop serve ...` starts a scenario: serve runs in the background until the next serve line or
the end of the block's run, and the commands after it are its clients. To run beside anything a
user already has, the namespace `sloop` becomes a name of this run's own, and the directories the
README serves (/srv/ftp, /srv/www) and copies into (/tmp/copy) become temporary ones filled with a
small tree. Not run: ./test (this is part of it) and mvn (./test has just built and installed
with it). Serve scenarios need root; without it they are reported as not run.
Exit status 0 when every command that ran did what it says (exit status 0), 1 otherwise.
"""
import os, re, shutil, signal, subprocess, sys, tempfile, time

readme = sys.argv[1] if len(sys.argv) > 1 else 'README.md'
root = os.getcwd()
pid = os.getpid()
ns = 'sloop-readme-%d' % pid
work = tempfile.mkdtemp(prefix='sloop-readme-')
srv_ftp, srv_www, copy = (os.path.join(work, d) for d in ('ftp', 'www', 'copy'))
is_root = os.geteuid() == 0


def commands(text):
    out = []
    for block in re.findall(r'```sh\n(.*?)```', text, re.S):
        for line in block.splitlines():
            line = re.sub(r'\s{2,}#.*$', '', line).strip()
            if line and not line.startswith('#'):
                out.append(line)
    return out


def localise(cmd):
    cmd = re.sub(r'--netns sloop\b', '--netns ' + ns, cmd)
    cmd = re.sub(r'ip netns exec sloop\b', 'ip netns exec ' + ns, cmd)
    cmd = cmd.replace('--tun sloop0', '--tun sr%d' % (pid % 100000))
    return cmd.replace('/srv/ftp', srv_ftp).replace('/srv/www', srv_www).replace('/tmp/copy', copy)


def fill_trees():
    for d in (srv_ftp, srv_www):
        os.makedirs(os.path.join(d, 'docs'), exist_ok=True)
        with open(os.path.join(d, 'index.html'), 'w') as f:
            f.write('<!doctype html><title>Sloop</title><p>served by Sloop\n')
        with open(os.path.join(d, 'docs', 'notes.txt'), 'w') as f:
            f.write('line\n' * 1000)
        with open(os.path.join(d, 'big.bin'), 'wb') as f:
            f.write(os.urandom(300_000))


def run(cmd, timeout=300):
    t = time.monotonic()
    try:
        p = subprocess.run(['bash', '-c', cmd], cwd=work if cmd.startswith('ip netns exec') else root,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return p.returncode, p.stdout.decode(errors='replace'), time.monotonic() - t
    except subprocess.TimeoutExpired as e:
        return 124, (e.stdout or b'').decode(errors='replace') + '\n(timed out)', time.monotonic() - t


class Serve:
    def __init__(self, cmd):
        self.cmd = cmd
        self.log = open(os.path.join(work, 'serve-%d.log' % int(time.monotonic() * 1000)), 'w+')
        self.p = subprocess.Popen(['bash', '-c', 'exec ' + cmd], cwd=root, stdout=self.log, stderr=subprocess.STDOUT,
                                  start_new_session=True)

    def ready(self, seconds=90):
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.p.poll() is None:
            if 'sloop: ready' in self.text():
                return True
            time.sleep(0.2)
        return False

    def text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        return self.p.returncode


failed, ran, skipped = [], 0, []


def report(ok, cmd, detail='', secs=0.0):
    global ran
    ran += 1
    print('readme: %s %s (%.1f s)' % ('ok    ' if ok else 'FAILED', cmd, secs), flush=True)
    if not ok:
        failed.append(cmd)
        print('\n'.join('        ' + l for l in detail.strip().splitlines()[-25:]), flush=True)


fill_trees()
serve = None
try:
    for cmd in commands(open(readme).read()):
        if cmd.startswith('./test') or cmd.startswith('mvn '):
            skipped.append(cmd + ' (./test itself builds and installs with Maven)')
            continue
        local = localise(cmd)
        if cmd.startswith('./sloop serve'):
            if serve:
                code = serve.stop()
                report(code == 0, serve.cmd + '  [stopped with SIGTERM]', serve.text())
                serve = None
            if not is_root:
                skipped.append(cmd + ' (needs root)')
                continue
            if os.path.exists(copy):
                shutil.rmtree(copy)
            serve = Serve(local)
            if not serve.ready():
                code = serve.stop()
                report(False, local, 'not ready (exit %s):\n%s' % (code, serve.text()))
                serve = None
            continue
        needs_serve = 'ip netns exec' in cmd or cmd.startswith('./sloop status') or cmd.startswith('./sloop top')
        if needs_serve and serve is None:
            skipped.append(cmd + (' (needs root)' if not is_root else ' (its serve did not start)'))
            continue
        if cmd.startswith('./sloop top'):
            # top refreshes until interrupted: three seconds of it, then SIGINT, as a user would stop it.
            code, out, secs = run('timeout -s INT 3 ' + local + '; test $? -eq 124 -o $? -eq 0 -o $? -eq 130', timeout=30)
            report(code == 0 and ns in out, local, out, secs)
            continue
        code, out, secs = run(local)
        report(code == 0, local, out, secs)
    if serve:
        code = serve.stop()
        report(code == 0, serve.cmd + '  [stopped with SIGTERM]', serve.text())
finally:
    if serve and serve.p.poll() is None:
        serve.stop()
    if os.path.exists('/run/netns/' + ns):
        subprocess.run(['ip', 'netns', 'del', ns])
    shutil.rmtree(work, ignore_errors=True)

for s in skipped:
    print('readme: not run: ' + s)
print('readme: %d commands of %s run, %d failed, %d not run' % (ran, readme, len(failed), len(skipped)))
sys.exit(1 if failed else 0)
