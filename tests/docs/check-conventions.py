#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Checks conventions of the command lines the guides print.

- A `gst-launch-1.0` recipe that writes a file (filesink, multifilesink,
  splitmuxsink) runs with `-e`, so that Ctrl-C sends EOS and the muxer
  or encoder finishes the file (a WAV's sizes, an MP4's index); without
  it Ctrl-C stops the pipeline mid-stream and leaves a broken file.

The commands are read from the fenced sh/shell/bash/console blocks of the
Markdown files given (or of every *.md in the directories given), with
backslash continuations joined. One line per problem, naming the file and
line; exit 1 if there is any (or, with --expect-problems N, unless there
are exactly N).

usage: check-conventions.py [--expect-problems N] FILE|DIR...
"""

import argparse
import os
import re
import sys

SHELL_FENCES = {'sh', 'shell', 'bash', 'console', ''}
FILE_SINKS = re.compile(r'(^|[\s!])(filesink|multifilesink|splitmuxsink)\b')


def markdown_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith('.md'):
                    yield os.path.join(path, name)
        else:
            yield path


def shell_commands(path):
    """(line number, command) for each command of the shell blocks, with
    continuation lines joined."""
    fence = None
    command, start = '', 0
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if stripped.startswith('```'):
                fence = None if fence is not None else \
                    stripped[3:].strip().lower()
                command = ''
                continue
            if fence not in SHELL_FENCES or fence is None:
                continue
            if not command:
                start = number
            text = stripped.removeprefix('$ ')
            if text.endswith('\\'):
                command += text[:-1] + ' '
                continue
            command += text
            if command and not command.startswith('#'):
                yield start, command
            command = ''


def launch_options(command):
    """The options given to gst-launch-1.0 before its pipeline, or None
    when the command does not run it."""
    words = command.split()
    for i, word in enumerate(words):
        if os.path.basename(word) == 'gst-launch-1.0':
            options = []
            for w in words[i + 1:]:
                if not w.startswith('-'):
                    break
                options.append(w)
            return options
    return None


def problems_of(path):
    for number, command in shell_commands(path):
        options = launch_options(command)
        if options is None or not FILE_SINKS.search(command):
            continue
        if not any(o in ('-e', '--eos-on-shutdown') for o in options):
            yield ('%s:%d: a gst-launch-1.0 recipe that writes a file needs '
                   '-e (EOS on Ctrl-C, or the file is left unfinished): %s'
                   % (path, number, command))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--expect-problems', type=int)
    ap.add_argument('paths', nargs='+')
    opts = ap.parse_args()
    problems = [p for f in markdown_files(opts.paths) for p in problems_of(f)]
    for p in problems:
        print(p)
    if opts.expect_problems is not None:
        if len(problems) != opts.expect_problems:
            print('check-conventions: expected %d problems, found %d'
                  % (opts.expect_problems, len(problems)))
            return 1
        return 0
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
