#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""parse-results.py [--extra STATUS:NAME ...] LOG [LOG...]

Judges pagetrail guest serial logs. Per log (label = basename without
extension):
  * every TAP line "ok N desc" / "not ok N desc" / "ok N desc # SKIP why";
  * pseudo-test "guest run completed": fails on PAGETRAIL-GUEST-TIMEOUT, a
    missing PAGETRAIL-GUEST-DONE, no tests at all or a plan that disagrees;
  * pseudo-test "no unexpected kernel splat": fails on any kernel splat
    (BUG:, WARNING:, Oops, ...) outside a PAGETRAIL-EXPECT-BEGIN/END span.
--extra STATUS:NAME adds a result (STATUS = PASS, FAIL or SKIP) under the
label "host". Prints one line per result and finally exactly one line
"N passed, N failed[, N skipped]". Exits 1 on any failure or if nothing ran.
"""
import os
import re
import sys

TAP_RE = re.compile(r'^(not )?ok (\d+)(?: (.*))?$')
SKIP_RE = re.compile(r'\s*#\s*SKIP\b\s*(.*)$', re.IGNORECASE)
PLAN_RE = re.compile(r'^1\.\.(\d+)$')
TS_RE = re.compile(r'^\[\s*\d+\.\d+\]\s?')
BEGIN_RE = re.compile(r'PAGETRAIL-EXPECT-BEGIN (\S+)')
END_RE = re.compile(r'PAGETRAIL-EXPECT-END (\S+)')
SPLAT_RE = re.compile(
    r'BUG:|WARNING:|\bOops\b|general protection fault|'
    r'possible recursive locking|possible circular locking|'
    r'inconsistent lock state|\bINFO: |'
    r'sleeping function called from invalid context|Kernel panic|'
    r'kernel BUG at|Call Trace:|UBSAN:|Unable to handle kernel')


class Result:
    def __init__(self, status, label, desc, why=''):
        self.status, self.label, self.desc, self.why = status, label, desc, why


def parse_log(path):
    label = os.path.splitext(os.path.basename(path))[0]
    results, notes = [], []
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
    except OSError as e:
        return [Result('FAIL', label, 'guest run completed',
                       'cannot read log: %s' % e)], notes
    done = timeout = False
    plan = None
    open_spans = {}         # tag -> saw a KASAN report
    splat = None
    ntap = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.replace('\r', '').rstrip()
        m = TAP_RE.match(line)
        if m:
            ntap += 1
            desc = m.group(3) or ''
            sk = SKIP_RE.search(desc)
            if sk:
                results.append(Result('SKIP', label, desc[:sk.start()],
                                      sk.group(1)))
            else:
                desc = re.sub(r'\s+#.*$', '', desc)
                results.append(Result('FAIL' if m.group(1) else 'PASS',
                                      label, desc))
            # The serial console interleaves: a span marker printed by
            # the kernel can land inside a TAP line.
            for mb in BEGIN_RE.finditer(line):
                open_spans[mb.group(1)] = False
            for me in END_RE.finditer(line):
                open_spans.pop(me.group(1), None)
            continue
        if line.startswith('#') or line.startswith('qemu: '):
            continue
        m = PLAN_RE.match(line)
        if m:
            plan = int(m.group(1))
            continue
        if 'PAGETRAIL-GUEST-DONE' in line:
            done = True
            continue
        if 'PAGETRAIL-GUEST-TIMEOUT' in line:
            timeout = True
            continue
        kline = TS_RE.sub('', line)
        m = BEGIN_RE.search(kline)
        if m:
            open_spans[m.group(1)] = False
            continue
        m = END_RE.search(kline)
        if m:
            tag = m.group(1)
            if tag not in open_spans:
                notes.append('%s: PAGETRAIL-EXPECT-END %s without BEGIN'
                             % (label, tag))
            elif not open_spans.pop(tag):
                notes.append('%s: span %s saw no "BUG: KASAN:" report'
                             % (label, tag))
            continue
        if open_spans:
            if 'BUG: KASAN:' in kline:
                for tag in open_spans:
                    open_spans[tag] = True
            continue
        if splat is None and SPLAT_RE.search(kline):
            splat = 'line %d: %s' % (lineno, kline.strip())
    for tag in open_spans:
        notes.append('%s: span %s never ended' % (label, tag))

    why = ''
    if timeout:
        why = 'guest timed out (PAGETRAIL-GUEST-TIMEOUT)'
    elif not done:
        why = 'no PAGETRAIL-GUEST-DONE (guest crashed or hung?)'
    elif ntap == 0:
        why = 'no tests ran'
    elif plan is not None and plan != ntap:
        why = 'plan 1..%d but %d results' % (plan, ntap)
    results.append(Result('FAIL' if why else 'PASS', label,
                          'guest run completed', why))
    results.append(Result('FAIL' if splat else 'PASS', label,
                          'no unexpected kernel splat', splat or ''))
    return results, notes


def main(argv):
    extras, logs = [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            print(__doc__.strip())
            return 0
        if a == '--extra' or a.startswith('--extra='):
            if a == '--extra':
                i += 1
                if i >= len(argv):
                    print('parse-results: --extra needs an argument',
                          file=sys.stderr)
                    return 2
                a = argv[i]
            else:
                a = a[len('--extra='):]
            status, _, name = a.partition(':')
            status = status.upper()
            if status not in ('PASS', 'FAIL', 'SKIP') or not name:
                print('parse-results: bad --extra %r' % a, file=sys.stderr)
                return 2
            extras.append(Result(status, 'host', name))
        else:
            logs.append(a)
        i += 1

    results, notes = list(extras), []
    for path in logs:
        r, n = parse_log(path)
        results += r
        notes += n
    for r in results:
        line = '%s %s: %s' % (r.status, r.label, r.desc)
        if r.why:
            line += ' (%s)' % r.why
        print(line)
    for n in notes:
        print('note: ' + n)
    npass = sum(r.status == 'PASS' for r in results)
    nfail = sum(r.status == 'FAIL' for r in results)
    nskip = sum(r.status == 'SKIP' for r in results)
    summary = '%d passed, %d failed' % (npass, nfail)
    if nskip:
        summary += ', %d skipped' % nskip
    print(summary)
    return 1 if nfail or not results or npass + nfail == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
