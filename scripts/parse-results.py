#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""parse-results.py [--extra STATUS:NAME ...] LOG [LOG...]

Judges pagetrail guest serial logs: everything that is not expected fails.
Per log (label = basename without extension):
  * every TAP line: "ok N desc" passes, "ok N desc # SKIP why" is a skip,
    "not ok N desc" fails whatever follows it (a "# SKIP" or "# TODO"
    directive does not excuse a not ok);
  * pseudo-test "guest run completed": fails on PAGETRAIL-GUEST-TIMEOUT,
    PAGETRAIL-GUEST-ERROR, a missing PAGETRAIL-GUEST-DONE, no tests at all,
    a missing plan, more than one plan, a plan that disagrees with the
    results, result numbers out of sequence, or a "Bail out!" line;
  * pseudo-test "no unexpected kernel splat": fails on any kernel splat
    (BUG:, WARNING:, Oops, lockdep, CFI failure at, Internal error:, module
    loading refusals, ...; the failure quotes the line, further splats are
    notes). Inside a PAGETRAIL-EXPECT-BEGIN/END TAG span only the span's
    expected report is excused: a KASAN report block (from its
    "BUG: KASAN:" line to the closing "====" line, pagetrail's lines in
    it and its own "Call Trace:"), or a WARNING the span declared (to its
    "---[ end trace"); any other splat there, inside the report block or
    not, fails. Ordinary kernel lines are never splats; printk timestamps
    and caller ids ("[    1.234567][  T123] ") are stripped; TAP
    diagnostics ("# ...") and "qemu: " lines are not kernel text.
  * pseudo-test "expect spans" (logs with spans): each span saw exactly
    what it declared, by default exactly one KASAN report. A span without
    its report, without its END, with two reports, or an END without a
    BEGIN fails. The guest declares other kinds before expect_begin with
    "PAGETRAIL-EXPECT-KINDS TAG KIND..." (any one of: kasan, one KASAN
    report; none, no report; warning:TEXT, one WARNING whose line contains
    TEXT; kasan+warning:TEXT, both), and "PAGETRAIL-EXPECT-RETRY TAG" after a span that never got to
    its report and is tried again (its missing report is then a note).
--extra STATUS:NAME adds a result (STATUS = PASS, FAIL or SKIP) under the
label "host". Prints one line per result, "note: ..." lines, then the
totals by kind: "guest checks: ..." (the guest's results and pseudo-tests),
"build/style checks: ..." (host results), "harness self-tests: ..." (host
and guest results named "bed: ..."), and finally exactly one line
"N passed, N failed[, N skipped]" over all of them. Exits 1 on any failure
or if nothing ran.
"""
import os
import re
import sys

TAP_RE = re.compile(r'^(not )?ok (\d+)(?: (.*))?$')
DIRECTIVE_RE = re.compile(r'\s*#\s*(SKIP|TODO)\b\s*(.*)$', re.IGNORECASE)
PLAN_RE = re.compile(r'^1\.\.(\d+)(?:\s|$)')
BAIL_RE = re.compile(r'(?:^|\s)Bail out!')
# "[    1.234567] ", with CONFIG_PRINTK_CALLER "[    1.234567][  T123] ".
TS_RE = re.compile(r'^\[\s*\d+\.\d+\]\s?(?:\[\s*[TC]\d+\]\s?)?')
INTERLEAVED_RE = re.compile(r'\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])? .*$')
# PAGETRAIL-EXPECT-BEGIN/END/RETRY TAG, PAGETRAIL-EXPECT-KINDS TAG KIND...
MARKER_RE = re.compile(r'PAGETRAIL-EXPECT-(BEGIN|END|RETRY|KINDS) (\S+)'
                       r'((?: (?!PAGETRAIL-)\S+)*)')
KASAN_RE = re.compile(r'BUG: KASAN: \S')
SEP_RE = re.compile(r'^={60,}$')
TRACE_RE = re.compile(r'^Call [Tt]race:$')
WARN_RE = re.compile(r'^WARNING: (?:CPU: \d+ PID: \d+ at |\S+:\d+ at )')
END_TRACE_RE = re.compile(r'^---\[ end trace ')
SPLAT_RE = re.compile('|'.join([
    r'BUG:', r'WARNING:', r'\bOops\b', r'general protection fault',
    r'possible recursive locking', r'possible circular locking',
    r'inconsistent lock state', r'\bINFO: ',
    r'sleeping function called from invalid context', r'Kernel panic',
    r'kernel BUG at', r'Call [Tt]race:', r'UBSAN:',
    r'Unable to handle kernel', r'Internal error:',
    # clang/GKI arm64: kCFI, BTI, shadow call stack and stack overflows
    r'CFI failure at', r'Oops - BTI', r'kernel stack overflow',
    r'Insufficient stack space to handle exception',
    r'corrupted shadow stack',
    # module loading refusals
    r'Unknown symbol', r'module verification failed',
    r'Loading of .* is rejected', r'disagrees about version of symbol',
]))
KINDS = ('kasan', 'none')
MAX_NOTES = 20


class Result:
    def __init__(self, status, label, desc, why=''):
        self.status, self.label, self.desc, self.why = status, label, desc, why


class Span:
    def __init__(self, tag, lineno, kinds):
        self.tag, self.lineno = tag, lineno
        self.kinds = kinds or ['kasan']
        self.kasan = []         # line numbers of its KASAN reports
        self.warn = []          # line numbers of its declared WARNINGs

    def warns_on(self, line):
        return any(k.split('warning:', 1)[1] in line
                   for k in self.kinds if 'warning:' in k)

    def problem(self):
        """Why the span failed, '' if it saw one of its declared kinds."""
        got = (len(self.kasan), len(self.warn))
        allowed = set()
        for k in self.kinds:
            allowed.add((1, 0) if k == 'kasan' else
                        (0, 0) if k == 'none' else
                        (1, 1) if k.startswith('kasan+') else (0, 1))
        if got in allowed:
            return ''
        want = ' or '.join('one KASAN report' if k == 'kasan' else
                           'no report' if k == 'none' else
                           'one KASAN report and one WARNING naming %s' %
                           k[14:] if k.startswith('kasan+') else
                           'one WARNING naming %s' % k[8:]
                           for k in self.kinds)
        if got == (0, 0):
            saw = 'no "BUG: KASAN:" report'
        else:
            saw = []
            if self.kasan:
                saw.append('%d KASAN report%s (line %s)' % (
                    len(self.kasan), 's' * (len(self.kasan) > 1),
                    ', '.join(map(str, self.kasan))))
            if self.warn:
                saw.append('%d WARNING%s (line %s)' % (
                    len(self.warn), 's' * (len(self.warn) > 1),
                    ', '.join(map(str, self.warn))))
            saw = ' and '.join(saw)
        return 'span %s (line %d) saw %s, expected %s' % (
            self.tag, self.lineno, saw, want)


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
    errors = []             # why the run did not complete
    plans = []              # (lineno, N)
    spans = {}              # open spans: tag -> Span
    kinds = {}              # tag -> kinds declared for its next span
    pending = {}            # tag -> closed span that missed its report
    nspans = 0
    span_problems = []
    splats = []
    block = None            # None, 'kasan' or 'warning'
    ntap = 0

    def splat(lineno, text):
        splats.append('line %d: %s' % (lineno, text.strip()))

    def close_block(lineno):
        nonlocal block
        if block:
            span_problems.append('line %d: %s block not closed before the '
                                 'span ended' % (lineno, 'KASAN report'
                                                 if block == 'kasan'
                                                 else 'WARNING'))
            block = None

    def commit(tag):
        if tag in pending:
            span_problems.append(pending.pop(tag))

    def begin(tag, lineno):
        nonlocal nspans
        for t in list(pending):
            commit(t)
        if tag in spans:
            span_problems.append('span %s (line %d) began again at line %d '
                                 'before its END' % (tag, spans[tag].lineno,
                                                     lineno))
        spans[tag] = Span(tag, lineno, kinds.pop(tag, None))
        nspans += 1

    def end(tag, lineno):
        if tag not in spans:
            span_problems.append('line %d: PAGETRAIL-EXPECT-END %s without '
                                 'BEGIN' % (lineno, tag))
            return
        s = spans.pop(tag)
        if not spans:
            close_block(lineno)
        why = s.problem()
        if why and not s.kasan and not s.warn:
            pending[tag] = why      # unless the guest retries it
        elif why:
            span_problems.append(why)

    def retry(tag, lineno):
        if tag in pending:
            notes.append('%s: %s; retried (line %d)'
                         % (label, pending.pop(tag), lineno))
        else:
            notes.append('%s: line %d: PAGETRAIL-EXPECT-RETRY %s follows '
                         'no span that missed its report'
                         % (label, lineno, tag))

    def declare(tag, kl, lineno):
        bad = [k for k in kl if k not in KINDS and
               not (k.startswith('warning:') and len(k) > 8) and
               not (k.startswith('kasan+warning:') and len(k) > 14)]
        if bad or not kl:
            span_problems.append('line %d: bad PAGETRAIL-EXPECT-KINDS %s %s'
                                 % (lineno, tag, ' '.join(kl)))
        else:
            kinds[tag] = kl

    def markers(s, lineno):
        found = False
        for mk in MARKER_RE.finditer(s):
            found = True
            what, tag = mk.group(1), mk.group(2)
            if what == 'BEGIN':
                begin(tag, lineno)
            elif what == 'END':
                end(tag, lineno)
            elif what == 'RETRY':
                retry(tag, lineno)
            else:
                declare(tag, mk.group(3).split(), lineno)
        return found

    def never_ended(where):
        for tag, s in spans.items():
            span_problems.append('span %s (line %d) never ended (%s)'
                                 % (tag, s.lineno, where))
        spans.clear()

    # The kernel's own KTAP at boot (built-in KUnit: "1..0") is not the
    # guest's: TAP counts from PAGETRAIL-GUEST-START on, where there is one.
    started = 'PAGETRAIL-GUEST-START' not in text
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.replace('\r', '').rstrip()
        if not started and 'PAGETRAIL-GUEST-START' in line:
            started = True
        m = TAP_RE.match(line) if started else None
        if m:
            ntap += 1
            if int(m.group(2)) != ntap and not any(
                    e.startswith('result numbers') for e in errors):
                errors.append('result numbers out of sequence: line %d is '
                              'result %s, expected %d'
                              % (lineno, m.group(2), ntap))
            # Kernel text interleaved into the line is not its description.
            desc = INTERLEAVED_RE.sub('', m.group(3) or '')
            d = DIRECTIVE_RE.search(desc)
            if m.group(1):
                why = ''
                if d:
                    why = 'not ok despite "# %s%s"' % (
                        d.group(1).upper(),
                        ' ' + d.group(2) if d.group(2) else '')
                    desc = desc[:d.start()]
                results.append(Result('FAIL', label,
                                      re.sub(r'\s+#.*$', '', desc), why))
            elif d and d.group(1).upper() == 'SKIP':
                results.append(Result('SKIP', label, desc[:d.start()],
                                      d.group(2)))
            else:
                results.append(Result('PASS', label,
                                      re.sub(r'\s+#.*$', '', desc)))
            # The serial console interleaves: a span marker printed by
            # the kernel can land inside a TAP line.
            markers(line, lineno)
            continue
        if line.startswith('#') or line.startswith('qemu: '):
            continue
        m = PLAN_RE.match(line) if started else None
        if m:
            plans.append((lineno, int(m.group(1))))
            continue
        if BAIL_RE.search(line):
            errors.append('line %d: %s' % (lineno, line.strip()))
            continue
        if 'PAGETRAIL-GUEST-DONE' in line:
            done = True
            never_ended('the guest run ended first')
            continue
        if 'PAGETRAIL-GUEST-TIMEOUT' in line:
            timeout = True
            continue
        if 'PAGETRAIL-GUEST-ERROR' in line:
            errors.append('line %d: %s' % (lineno, line.strip()))
            continue
        kline = TS_RE.sub('', line)
        if markers(kline, lineno):
            continue
        # Inside an excused block only its own lines are excused.
        if block == 'kasan':
            if SEP_RE.match(kline):
                block = None
            elif KASAN_RE.search(kline):
                splat(lineno, kline + ' (inside a KASAN report)')
            elif not TRACE_RE.match(kline) and SPLAT_RE.search(kline):
                splat(lineno, kline)
            continue
        if block == 'warning':
            if END_TRACE_RE.match(kline):
                block = None
            elif not TRACE_RE.match(kline) and SPLAT_RE.search(kline):
                splat(lineno, kline)
            continue
        # A report or WARNING is one splat (its own "Call Trace:" is no
        # second one), excused only where a span expects it.
        if KASAN_RE.search(kline):
            block = 'kasan'
            if not spans:
                splat(lineno, kline)
            for s in spans.values():
                s.kasan.append(lineno)
            continue
        if WARN_RE.match(kline):
            block = 'warning'
            mine = [s for s in spans.values() if s.warns_on(kline)]
            if not mine:
                splat(lineno, kline)
            for s in mine:
                s.warn.append(lineno)
            continue
        if SPLAT_RE.search(kline):
            splat(lineno, kline)
    never_ended('end of log')
    for tag in list(pending):
        commit(tag)

    why = []
    if timeout:
        why.append('guest timed out (PAGETRAIL-GUEST-TIMEOUT)')
    elif not done:
        why.append('no PAGETRAIL-GUEST-DONE (guest crashed or hung?)')
    if ntap == 0:
        why.append('no tests ran')
    if not plans:
        if done:
            why.append('no plan line')
    elif len(plans) > 1:
        why.append('%d plans (lines %s)' % (
            len(plans), ', '.join(str(n) for n, _ in plans)))
    elif plans[0][1] != ntap:
        why.append('plan 1..%d but %d results' % (plans[0][1], ntap))
    why += errors
    results.append(Result('FAIL' if why else 'PASS', label,
                          'guest run completed', '; '.join(why)))
    results.append(Result('FAIL' if splats else 'PASS', label,
                          'no unexpected kernel splat',
                          splats[0] if splats else ''))
    for s in splats[1:MAX_NOTES]:
        notes.append('%s: also splat at %s' % (label, s))
    if len(splats) > MAX_NOTES:
        notes.append('%s: %d more splats' % (label, len(splats) - MAX_NOTES))
    if nspans or span_problems:
        results.append(Result(
            'FAIL' if span_problems else 'PASS', label,
            'expect spans: each saw what it declared (%d span%s)'
            % (nspans, 's' * (nspans != 1)),
            span_problems[0] if span_problems else ''))
        for p in span_problems[1:MAX_NOTES]:
            notes.append('%s: also %s' % (label, p))
    return results, notes


def kind_of(r):
    if r.desc.startswith('bed:'):
        return 'harness self-tests'
    return 'build/style checks' if r.label == 'host' else 'guest checks'


def counts(rs):
    return tuple(sum(r.status == s for r in rs)
                 for s in ('PASS', 'FAIL', 'SKIP'))


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
    for kind in ('guest checks', 'build/style checks', 'harness self-tests'):
        print('%s: %d passed, %d failed, %d skipped'
              % ((kind,) + counts([r for r in results
                                   if kind_of(r) == kind])))
    npass, nfail, nskip = counts(results)
    summary = '%d passed, %d failed' % (npass, nfail)
    if nskip:
        summary += ', %d skipped' % nskip
    print(summary)
    return 1 if nfail or not results or npass + nfail == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
