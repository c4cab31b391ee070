# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Private modules of the RingBridge PyGObject overrides (gi/overrides/RingBridge.py),
one concern each.  Not an API: import from gi.repository.RingBridge."""
