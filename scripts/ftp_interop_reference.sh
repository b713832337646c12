#!/usr/bin/env bash
# Runs the FTP interop tests' client scripts (sloop-cli/src/test/resources/net/sloop/cli/ftp_*.py) and the
# Linux clients against a reference server, Linux's pyftpdlib (apt-get install -y python3-pyftpdlib),
# in a namespace of its own: the proof that the scripts and commands are right before they are
# pointed at Sloop, and that they can fail. Two checks fail against pyftpdlib 1.5.7, by design of
# the checks: "preloginflood" (it lets a client run commands before login for ever; Sloop closes
# such a session with 421) and "longline" (after a line too long it answers the next NOOP 500:
# the rest of the long line was taken as commands; Sloop discards it and answers 200).
#
#   scripts/ftp_interop_reference.sh        (as root; prints each check's "ok"/"FAIL" line)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
res="$here/../sloop-cli/src/test/resources/net/sloop/cli"
py=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "ftp_interop_reference: run as root" >&2; exit 2; }
"$py" -c 'import pyftpdlib' 2>/dev/null || { echo "ftp_interop_reference: needs python3-pyftpdlib" >&2; exit 2; }
ns="sloop-ftpref-$$"
work=$(mktemp -d /tmp/sloop-ftpref.XXXXXX)
srv=
cleanup() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
for h in 1 2 3; do ip -n "$ns" addr add "198.19.210.$h/32" dev lo; done
H=198.19.210.2
"$py" - "$work" <<'EOF'
import os, random, sys
w = sys.argv[1]
r = random.Random(1)
for d in range(10):
    os.makedirs('%s/root/d%02d' % (w, d))
    for i in range(30):
        open('%s/root/d%02d/f%03d' % (w, d, i), 'wb').write(r.randbytes(r.choice([0, 1, 1460, r.randrange(20000)])))
open(w + '/root/big.bin', 'wb').write(r.randbytes(600000))
os.makedirs(w + '/root/upload')
os.makedirs(w + '/outside')
open(w + '/outside/secret', 'w').write('SLOOP-SECRET-OUTSIDE-THE-ROOT\n')
open(w + '/srv.py', 'w').write('''
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
a = DummyAuthorizer()
a.add_user("sloop", "sloop-pass", sys.argv[1], perm="elradfmwMT")
a.add_anonymous(sys.argv[1], perm="elr")
FTPHandler.authorizer = a
FTPServer(("198.19.210.2", 21), FTPHandler).serve_forever()
''')
EOF
ip netns exec "$ns" "$py" "$work/srv.py" "$work/root" >"$work/srv.log" 2>&1 &
srv=$!
sleep 1
n() { ip netns exec "$ns" "$@"; }
n "$py" "$res/ftp_ftplib.py" $H sloop sloop-pass "$work/root" list mlsd retr stor rest abor cycles:1000
for m in on off; do
  n lftp -u sloop,sloop-pass -e "set ftp:use-mlsd $m; mirror / $work/lftp-$m; quit" $H && diff -r --exclude=upload "$work/root" "$work/lftp-$m" >/dev/null \
    && echo "ok lftp mirror mlsd $m" || echo "FAIL lftp mirror mlsd $m"
done
n wget -q -r -nH -P "$work/wget" --user=sloop --password=sloop-pass ftp://$H/ && diff -r --exclude=upload "$work/root" "$work/wget" >/dev/null \
  && echo "ok wget -r" || echo "FAIL wget -r"
for mode in "--ftp-pasv" "--ftp-port -"; do
  # shellcheck disable=SC2086
  n curl -sS $mode -u sloop:sloop-pass -o "$work/c" ftp://$H/d03/f007 && cmp -s "$work/c" "$work/root/d03/f007" && echo "ok curl $mode" || echo "FAIL curl $mode"
done
n tnftp -o "$work/tn" ftp://$H/d06/f013 >/dev/null && cmp -s "$work/tn" "$work/root/d06/f013" && echo "ok tnftp" || echo "FAIL tnftp"
kill "$srv"; wait "$srv" 2>/dev/null
rm -rf "$work/root/upload/"*
ln -s ../outside/secret "$work/root/escape"
ln -s ../outside "$work/root/escdir"
ip netns exec "$ns" "$py" "$work/srv.py" "$work/root" >"$work/srv.log" 2>&1 &
srv=$!
sleep 1
n "$py" "$res/ftp_hostile.py" $H sloop sloop-pass 198.19.210.3 "$work" none prelogin preloginflood:40 traversal symlink bounce pasvthief longline pasvflood:10000 slow:6:4 \
  | grep -v '^codes'
