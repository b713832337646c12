#!/usr/bin/env python3
"""Summary of a ./test run from the surefire reports it wrote: tests run, failed, skipped (and why).

usage: test_summary.py START_EPOCH_SECONDS EXIT_STATUS REPORT_DIR...
Only reports written since START count, so an earlier run's reports left in the directory (a
run of one test after the whole suite) are not added in.
"""
import collections, glob, os, sys, xml.etree.ElementTree as ET

start, status, report_dirs = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
tests = failures = errors = skipped = 0
failed, reasons = [], collections.Counter()
for path in sorted(p for d in report_dirs for p in glob.glob(os.path.join(d, 'TEST-*.xml'))):
    if os.path.getmtime(path) < start:
        continue
    try:
        suite = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for case in suite.iter('testcase'):
        tests += 1
        name = '%s#%s' % (case.get('classname', '?').rsplit('.', 1)[-1], case.get('name', '?'))
        if case.find('failure') is not None:
            failures += 1
            failed.append(name)
        elif case.find('error') is not None:
            errors += 1
            failed.append(name)
        else:
            s = case.find('skipped')
            if s is not None:
                skipped += 1
                why = (s.get('message') or 'no reason given').strip().splitlines()[0]
                for prefix in ('Assumption failed: ', 'assumption is not true: '):
                    if why.startswith(prefix):
                        why = why[len(prefix):]
                reasons[why[:100]] += 1
if tests == 0:
    print('./test: no test ran (no test matched the selection)' if status == 0 else
          './test: no test reports were written (exit status %d): the build failed before the tests ran' % status)
    sys.exit(0)
print('./test: %d tests, %d failed, %d errors, %d skipped; exit status %d' % (tests, failures, errors, skipped, 1 if status == 0 and failures + errors else status))
for name in failed[:20]:
    print('  failed: ' + name)
if len(failed) > 20:
    print('  ... and %d more failed' % (len(failed) - 20))
for why, n in reasons.most_common():
    print('  skipped %d: %s' % (n, why))
sys.exit(3 if failures + errors else 0)
