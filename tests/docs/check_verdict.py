# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The exit status of a docs check (check-links.py, check-render.py): its
findings printed, then 1 if there are any; with --expect-N, 0 only if it
found exactly N, which proves the check on a site broken on purpose."""


def verdict(findings, label, noun, expected, checker):
    for f in findings:
        print(f"{label}:", f)
    if expected is None:
        return 1 if findings else 0
    if len(findings) != expected:
        print(f"expected {expected} {noun}, found {len(findings)}: "
              f"the {checker} does not work")
        return 1
    return 0
