#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# check-exact.py [--packet N] [--no-jitterbuffer] [--b-from-ring]
#                RECV.f32 RECEIVER.log PLAY-A.log RECORD-A.log LOSS_PCT
#                STAMPS-A STAMPS-B: the check of
# the recipes' --check exact (hosts.sh). Host A sent a counter, sample n
# = n / 2^23 (exact in F32 and in L24); RECV.f32 is what host B's ringsink
# wrote into its ring, as a reader read it. Everything in it must be the
# counter, in order, except runs of silence (0.0):
#
#   - a network gap: the counter after the silence is ahead by exactly
#     the silence's length (a lost packet became silence of its length:
#     no shift), a whole number of 1 ms packets (48 frames);
#   - host A's own dropouts (its play ran dry on a late cycle): silence
#     after which the counter goes on where it was; their total is at
#     most the silent frames host A's play counted (PLAY-A.log).
#
# Anything else (a value that is not the next one, a jump without its
# silence, silence that is not whole packets) fails. A jump without
# silence is also what host A's record makes when its ring SEND is full
# (the sender fell behind: a loaded machine); the failure then says how
# many frames record dropped (RECORD-A.log), which the data cannot tell
# from a shift. The lost packets the
# gaps add up to must equal rtpjitterbuffer's num-lost (gst-run.py's
# "stats:" line in RECEIVER.log) less those lost before the first sound
# (the GAPs ringsink saw before it: gst-run.py's "first-sound: recv
# gaps"); the GAPs ringsink saw must add up to num-lost; and with
# LOSS_PCT > 0 there must be some. Prints the figures; exits 1 on a failure.
#
# The latency: the counter is its own stamp. STAMPS-A has, for a buffer
# that left host A's ring SEND every 10 ms, its first value, its length
# and the time (CLOCK_MONOTONIC, one clock for both namespaces); STAMPS-B
# the same where buffers reach host B's ringsink (gst-run.py --stamps). A
# value's two times (host A's taken back to when that value, not its
# buffer's last, was in the ring) give its latency from ring to ring (the
# network, the jitterbuffer, both pipelines); printed as p50/p99/max in a
# line "latency: ..." that bench/network reads.
#
# netjack2 (netjack2.sh) has no packets of 1 ms and no jitterbuffer: a
# cycle it loses is a cycle of silence (--packet PERIOD), nothing counts
# them for us (--no-jitterbuffer: no count to compare, and none required),
# and host B's stamps are taken where a ringsrc reads host B's ring, when
# a buffer's last frame was there, as host A's are (--b-from-ring).

import array
import bisect
import re
import sys

SCALE = 8388608.0        # 2^23: L24's full scale
PACKET = 48              # frames in a 1 ms packet at 48 kHz (--packet)
RATE = 48000


def counter_values(path):
    samples = array.array("f")
    with open(path, "rb") as f:
        samples.frombytes(f.read())
    values = []
    for i, x in enumerate(samples):
        k = round(x * SCALE)
        if k / SCALE != x or k < 0:
            sys.exit("sample %d is %r: not a value of the counter" % (i, x))
        values.append(k)
    return values


def walk(values, fail, packet):
    """(gap lengths, inserted frames, frames checked) or fail(message)"""
    i, n = 0, len(values)
    while i < n and values[i] == 0:
        i += 1
    if n - i < 48000:
        sys.exit("host B's ring holds %d frames of the counter: too few" %
                 (n - i))
    gaps, inserted, checked = [], 0, 0
    expect = values[i]
    while i < n:
        if values[i] == expect:
            expect += 1
            checked += 1
            i += 1
            continue
        if values[i] != 0:
            fail("frame %d is %d where %d was due: the stream shifted "
                 "(a loss without its silence)" % (i, values[i], expect))
        start = i
        while i < n and values[i] == 0:
            i += 1
        if i == n:
            break            # the end: the receiver stopped
        run, jump = i - start, values[i] - expect
        if jump == run or (0 < jump < run and jump % packet == 0):
            if jump % packet:
                sys.exit("a gap of %d frames at frame %d: not whole %d-frame "
                         "packets" % (jump, start, packet))
            gaps.append(jump)
            inserted += run - jump
        elif jump == 0:
            inserted += run
        else:
            # silence, so a GAP: host A's drops write none
            fail("%d frames of silence at frame %d, but the counter "
                 "jumped by %d: the stream shifted" % (run, start, jump),
                 gap=True)
        expect = values[i]
    return gaps, inserted, checked


def field(path, pattern, what):
    found = re.findall(pattern, open(path, errors="replace").read(), re.M)
    if not found:
        sys.exit("%s: no %s in it" % (path, what))
    return int(found[-1])


def read_stamps(path):
    stamps = []
    with open(path) as f:
        for line in f:
            value, t, samples = line.split()
            stamps.append((int(value), int(t), int(samples)))
    return stamps


def latencies_ms(stamps_a, stamps_b, b_from_ring):
    """each B buffer's latency from the A buffer that held its value"""
    sent = sorted(s for s in read_stamps(stamps_a) if s[0] > 0)
    if not sent:
        sys.exit("%s: no stamps of the counter leaving host A" % stamps_a)
    values = [s[0] for s in sent]
    out = []
    for v, t, n in read_stamps(stamps_b):
        if b_from_ring:      # its first value was there n - 1 frames earlier
            t -= (n - 1) * 1e9 / RATE
        i = bisect.bisect_right(values, v) - 1
        first, sent_at, frames = sent[i] if i >= 0 else (0, 0, 0)
        if v <= 0 or i < 0 or v >= first + frames:
            continue         # not in a buffer host A stamped
        # host A's buffer left when its last frame was in the ring: value
        # v was there (last - v) frames earlier (a ringsrc buffer is 1024
        # frames, 21 ms: without this the latency would be short by up
        # to that)
        out.append((t - sent_at) / 1e6 + (first + frames - 1 - v) * 1000.0 /
                   RATE)
    if not out:
        sys.exit("%s: no value host A stamped" % stamps_b)
    return sorted(out)


def report_latency(stamps_a, stamps_b, b_from_ring):
    lat = latencies_ms(stamps_a, stamps_b, b_from_ring)

    def pick(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))]

    print("latency: ring SEND (host A) to ring RECV (host B): p50_ms=%.2f "
          "p99_ms=%.2f max_ms=%.2f packets=%d" %
          (pick(0.5), pick(0.99), lat[-1], len(lat)))


def main(opts, recv, receiver_log, play_a_log, record_a_log, loss, stamps_a,
         stamps_b):
    report_latency(stamps_a, stamps_b, opts["b_from_ring"])
    dropped_a = field(record_a_log, r"dropped_frames=(\d+)",
                      "statistics of host A's record")

    def fail(message, gap=False):
        if dropped_a and not gap:
            message += ("; host A's record dropped %d frames (its ring SEND "
                        "was full: the sender fell behind), which looks the "
                        "same" % dropped_a)
        sys.exit(message)

    packet = opts["packet"]
    gaps, inserted, checked = walk(counter_values(recv), fail, packet)
    silent_a = field(play_a_log, r"silent_frames=(\d+)",
                     "statistics of host A's play")
    if opts["no_jitterbuffer"]:
        print("host B's ring: %d frames of the counter bit-exact, %d gaps "
              "(%d lost %d-frame cycles), %d frames of host A's dropouts "
              "(its play: %d silent frames)" % (checked, len(gaps),
                                                 sum(gaps) // packet, packet,
                                                 inserted, silent_a))
        if inserted > silent_a:
            sys.exit("%d frames of silence without a loss, more than host "
                     "A's play ran dry (%d)" % (inserted, silent_a))
        return
    jb = r"^%s: rtpjitterbuffer.*num-%s=\(guint64\)(\d+)"
    lost = field(receiver_log, jb % ("stats", "lost"), "rtpjitterbuffer stats")
    pushed = field(receiver_log, jb % ("stats", "pushed"),
                   "rtpjitterbuffer stats")
    # lost in the lead-in of silence, before the counter began: silence
    # among silence, which the data cannot show. Counted from the GAPs
    # ringsink saw before the first sound, in the stream's order: the
    # jitterbuffer's own count at that moment is not (it counts in its
    # timer thread, not in step with the thread that pushes). One
    # GAP for each lost packet (rtpjitterbuffer merges only a run of
    # losses longer than its latency, which --loss's rates do not make)
    gap = r"^%s: recv gaps, events=\(guint64\)(\d+),"
    lead_in = field(receiver_log, gap % "first-sound",
                    "count of GAPs before the first sound")
    seen = field(receiver_log, gap % "stats", "count of GAPs")
    if seen != lost:
        sys.exit("ringsink saw %d GAPs, the jitterbuffer lost %d packets"
                 % (seen, lost))
    lost -= lead_in
    packets = sum(gaps) // packet
    print("host B's ring: %d frames of the counter bit-exact, %d gaps "
          "(%d lost packets; the jitterbuffer counted %d lost after the "
          "first sound and %d before it (GAPs in the stream's order), %d "
          "pushed), "
          "%d frames of host A's dropouts (its play: %d silent frames)" %
          (checked, len(gaps), packets, lost, lead_in, pushed, inserted,
           silent_a))
    if packets != lost:
        sys.exit("the gaps add up to %d packets, the jitterbuffer lost %d" %
                 (packets, lost))
    if float(loss) > 0 and lost == 0:
        sys.exit("--loss %s, but no packet was lost" % loss)
    if inserted > silent_a:
        sys.exit("%d frames of silence without a loss, more than host A's "
                 "play ran dry (%d)" % (inserted, silent_a))


def parse(argv):
    opts = {"packet": PACKET, "no_jitterbuffer": False, "b_from_ring": False}
    while argv[:1] in (["--packet"], ["--no-jitterbuffer"],
                       ["--b-from-ring"]):
        if argv[0] == "--packet" and len(argv) > 1 and argv[1].isdigit():
            opts["packet"], argv = int(argv[1]), argv[2:]
        elif argv[0] == "--packet":
            break
        else:
            opts[argv[0][2:].replace("-", "_")], argv = True, argv[1:]
    if len(argv) != 7 or opts["packet"] == 0:
        sys.exit("usage: check-exact.py [--packet N] [--no-jitterbuffer] "
                 "[--b-from-ring] RECV.f32 RECEIVER.log PLAY-A.log "
                 "RECORD-A.log LOSS_PCT STAMPS-A STAMPS-B")
    return opts, argv


if __name__ == "__main__":
    opts, args = parse(sys.argv[1:])
    main(opts, *args)
