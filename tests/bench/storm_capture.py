#!/usr/bin/env python3
"""A WARN storm as a /dev/kmsg capture: the Debian boot's WARN report (its records from
"cut here" to "end trace") COPIES times, seq and time renumbered; with --plain the same records
with "WARNING:", "[ cut here ]" and "---[ end trace" each made "x...", so that nothing opens a
report. Usage: storm_capture.py KMSG_RAW COPIES [--plain] > CAPTURE"""
import sys


def main():
    raw, copies = sys.argv[1], int(sys.argv[2])
    plain = "--plain" in sys.argv[3:]
    report, inside = [], False
    with open(raw, "rb") as f:
        for rec in f.read().split(b"\n"):
            if rec.startswith(b" "):  # a record's dictionary line
                continue
            head, sep, text = rec.partition(b";")
            if not sep:
                continue
            if b"[ cut here ]" in text and not report:
                inside = True
            if inside:
                report.append((head.split(b",")[0], text))
            if b"---[ end trace" in text and inside:
                break
    out = sys.stdout.buffer
    seq = 0
    for _ in range(copies):
        for prio, text in report:
            if plain:
                for w in (b"WARNING:", b"[ cut here ]", b"---[ end trace"):
                    at = text.find(w)
                    if at >= 0:
                        text = text[:at] + b"x" + text[at + 1:]
            out.write(b"%s,%d,%d,-;%s\n" % (prio, seq, seq * 10, text))
            seq += 1


if __name__ == "__main__":
    main()
