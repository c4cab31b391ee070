#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# plant-bug.sh IN OUT: copies rb-shm.c with the check that the file is as
# large as its header says removed (tests/README.md, R5, planted-bug
# self-test). Without it a peer's header can promise more data than its
# file holds, and the mapping reads past the end of the file. Fails loudly
# if the check is no longer written as expected, rather than planting
# nothing and letting the self-test pass on a harness that lost its teeth.
set -eu
in=$1
out=$2
# Two checks compare the file with the header: the "truncated" one (a
# file shorter than a consistent header) and the general mismatch. Both
# go, each must be found.
for pattern in ' || h\.file_size != image_size)' ' && image_size < h\.file_size)'; do
  if ! grep -q "$pattern" "$in"; then
    echo "plant-bug.sh: '$pattern' not found in $in:" \
      "update the pattern to the new form of the check" >&2
    exit 1
  fi
done
sed -e 's/ || h\.file_size != image_size)/)/' \
  -e 's/ && image_size < h\.file_size)/ \&\& 0)/' "$in" > "$out.tmp"
mv "$out.tmp" "$out"
