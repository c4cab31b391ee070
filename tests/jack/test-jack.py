#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-jack against real JACK servers (tests/README.md, R12).

Every test that needs JACK starts its own jackd (dummy backend, 48 kHz,
64-frame periods, no realtime) under a name no other test uses, and stops
it whatever happens. Rings are fed and drained by ring-helper processes
(public API), which write and check a known signal: sample (frame i,
channel c) of seed S comes from splitmix64, computed here the same way, so
every sample that arrives can be checked bit for bit, and silence is
unmistakable.

No assertion depends on timing: waits have generous deadlines that only
catch a hang; latencies are measured and printed. Output is TAP.

The harness is jack_harness.py (servers, processes, the TAP runner) over
jack_signal.py (the signal); the tests are in jack_tests_cli.py,
jack_tests_audio.py and jack_tests_lifecycle.py, one meson test per group
below.

Usage: test-jack.py RINGBRIDGE-JACK RING-HELPER MAN-PAGE RTSAN-CLIENT|- GROUP
                    [RINGBRIDGE-STAT]
"""

import sys

from jack_harness import GROUP, run_tests
from jack_tests_audio import (test_buffer_size_change, test_connect,
                              test_freewheel, test_latency, test_loopback_f32,
                              test_overwrite_record, test_play_bound,
                              test_play_formats, test_ports,
                              test_producer_death, test_record_formats,
                              test_underrun)
from jack_tests_cli import (test_any_owner_opt_in, test_bad_rings,
                            test_help_version_man,
                            test_latency_below_two_periods, test_no_server,
                            test_record_existing_ring,
                            test_shared_write_opt_in, test_time_units,
                            test_usage_errors)
from jack_tests_lifecycle import (test_no_stale_ring_after_producer_death,
                                  test_no_stale_ring_after_server_death,
                                  test_no_stale_ring_after_signals,
                                  test_play_counters, test_reconnect,
                                  test_record_counters, test_rtsan_client,
                                  test_server_shutdown,
                                  test_shutdown_close_hangs, test_signals,
                                  test_sigint_while_jack_hangs,
                                  test_sigint_without_file_descriptors)

GROUPS = {
    "cli": [test_help_version_man, test_usage_errors, test_time_units,
            test_no_server],
    "rings": [test_bad_rings, test_record_existing_ring,
              test_shared_write_opt_in, test_any_owner_opt_in,
              test_latency_below_two_periods],
    "ports": [test_ports, test_connect],
    "loopback": [test_loopback_f32, test_buffer_size_change],
    "formats": [test_play_formats, test_record_formats],
    "underrun": [test_underrun, test_overwrite_record],
    "bound": [test_play_bound],
    "producer": [test_producer_death],
    "latency": [test_latency, test_freewheel],
    "shutdown": [test_server_shutdown, test_shutdown_close_hangs,
                 test_signals],
    "reconnect": [test_reconnect],
    "counters": [test_play_counters, test_record_counters],
    "exit": [test_no_stale_ring_after_signals,
             test_no_stale_ring_after_server_death,
             test_no_stale_ring_after_producer_death,
             test_sigint_while_jack_hangs,
             test_sigint_without_file_descriptors],
    "rtsan": [test_rtsan_client],
}


if __name__ == "__main__":
    sys.exit(run_tests(GROUPS[GROUP]))
