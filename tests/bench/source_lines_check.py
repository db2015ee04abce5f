#!/usr/bin/env python3
"""Source lines held to binutils' addr2line -f -i on a real kernel (a manual check, not in CI):
every core frame klogd --decode --debuginfo --json reports in LOG is looked up again with
addr2line at the same address (address - 1 for a return address, as klogd does), and the inline
chains compared, function, file (relative to the kernel tree) and line. Where they differ,
eu-addr2line's answer is printed too: the source decides.

    python3 tests/bench/source_lines_check.py build/daemon/klogd VMLINUX LOG
"""
import bisect
import os.path
import re
import subprocess
import sys

klogd, vmlinux, log = sys.argv[1:4]
TOP = r'/(arch|block|certs|crypto|drivers|fs|include|init|io_uring|ipc|kernel|lib|mm|net|rust|' \
      r'samples|scripts|security|sound|tools|usr|virt)/'

names, starts = {}, []
for line in subprocess.run(['nm', vmlinux], capture_output=True, text=True).stdout.splitlines():
    p = line.split()
    if len(p) != 3 or p[1] in 'UwvN':
        continue
    a = int(p[0], 16)
    starts.append(a)
    names.setdefault(p[2], []).append(a)
starts = sorted(set(starts))


def address(name, size):  # the symbol whose kallsyms size (to the next symbol) was printed
    for a in names.get(name, []):
        i = bisect.bisect_right(starts, a)
        if i < len(starts) and starts[i] - a == size:
            return a
    return None


def tree(path):
    path = os.path.normpath(path)
    m = re.search(TOP, '/' + path)
    return ('/' + path)[m.start() + 1:] if m else path


out = subprocess.run([klogd, '--decode', log, '--debuginfo', vmlinux, '--json'],
                     capture_output=True, text=True).stdout
frames = []
import json
for line in out.splitlines():
    for f in json.loads(line).get('frames', []):
        a = None if f['module'] else address(f['symbol'], f['size'])
        if a is not None:
            frames.append((a + f['offset'] - (1 if f['return_address'] and f['offset'] else 0), f))
res = subprocess.run(['addr2line', '-f', '-i', '-a', '-e', vmlinux] + ['0x%x' % a for a, _ in frames],
                     capture_output=True, text=True).stdout.splitlines()
chains, i = [], 0
while i < len(res):
    if res[i].startswith('0x'):
        chains.append([])
        i += 1
        continue
    where = res[i + 1].split(' (')[0]
    path, no = where.rsplit(':', 1)
    chains[-1].append((res[i], '??' if path == '??' else tree(path), int(no) if no.isdigit() else 0))
    i += 2
exact = chained = chained_exact = 0
differ = []
for (a, f), want in zip(frames, chains):
    got = [(s['function'], s['file'], s['line']) for s in f['source']]
    if all(w[1] == '??' for w in want):
        want = []  # no line information
    exact += got == want
    if len(want) > 1:
        chained += 1
        chained_exact += got == want
    if got != want:
        differ.append((a, f['symbol'], got, want))
print(f'{len(frames)} core frames: {exact} exact against addr2line -f -i; '
      f'{chained} with inline chains, {chained_exact} of them exact')
for a, name, got, want in differ:
    eu = subprocess.run(['eu-addr2line', '-f', '-i', '-e', vmlinux, '0x%x' % a],
                        capture_output=True, text=True).stdout.split('\n')
    print(f'0x{a:x} {name}:\n  klogd        {got}\n  addr2line    {want}\n  eu-addr2line {eu[:4]}')
