#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The static gates of tests/README.md, R10, one per run:

  run-gate.py cppcheck  BUILD_DIR SOURCE_ROOT [DIR...]
  run-gate.py clang-tidy BUILD_DIR SOURCE_ROOT [DIR...]
  run-gate.py analyzer  BUILD_DIR SOURCE_ROOT [DIR...]

Each checks the C files under SOURCE_ROOT/DIR (default: lib gst jack tools)
that BUILD_DIR/compile_commands.json compiles, with the flags meson used,
prints every finding and exits 1 if there is one. 'analyzer' recompiles
each file with gcc's -fanalyzer into /dev/null.

  run-gate.py TOOL --fixture FILE.c

checks one file outside the build (compiled as plain C11 with GLib's
flags) and exits 0 only if the gate reports the memory leak planted in
it: the self-test that each gate still finds a bug.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys

DEFAULT_DIRS = ('lib', 'gst', 'jack', 'tools')
TOOLS = ('cppcheck', 'clang-tidy', 'analyzer')


def fail(message):
    print(f'run-gate: {message}', file=sys.stderr)
    sys.exit(2)


def need(program):
    path = shutil.which(program)
    if path is None:
        fail(f'{program} is not installed (scripts/test installs it)')
    return path


def compile_db(build_dir, source_root, dirs):
    """The entries of compile_commands.json for C files under dirs."""
    path = os.path.join(build_dir, 'compile_commands.json')
    try:
        with open(path, encoding='utf-8') as f:
            entries = json.load(f)
    except (OSError, ValueError) as e:
        fail(f'cannot read {path}: {e}')
    roots = [os.path.join(os.path.realpath(source_root), d) + os.sep
             for d in dirs]
    chosen, seen = [], set()
    for e in entries:
        file = os.path.realpath(os.path.join(e['directory'], e['file']))
        if not file.endswith('.c') or file in seen:
            continue
        if any(file.startswith(r) for r in roots):
            seen.add(file)
            chosen.append(dict(e, file=file))
    if not chosen:
        fail(f'no C file under {", ".join(dirs)} in {path}')
    return chosen


def glib_flags():
    out = subprocess.run(['pkg-config', '--cflags', 'glib-2.0'],
                         capture_output=True, text=True, check=True)
    return shlex.split(out.stdout)


def run(cmd, cwd=None):
    """Runs cmd, echoing its output; returns (exit status, output)."""
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    out = p.stdout + p.stderr
    return p.returncode, out


def cppcheck(build_dir, source_root, dirs, fixture):
    exe = need('cppcheck')
    # invalidPrintfArgType_uint: cppcheck takes gsize, guint64 and size_t
    # for different types; they are one type on every target we build,
    # and gcc's -Wformat=2 checks the real ones.
    # preprocessorErrorDirective in system headers: cppcheck tries
    # configurations without the compiler's architecture macros, which
    # glibconfig.h and gstconfig.h refuse with an #error.
    cmd = [exe, '--library=gtk', '--enable=warning,portability,performance',
           '--inline-suppr', '--error-exitcode=1', '-q', '-j2',
           '--suppress=invalidPrintfArgType_uint',
           '--suppress=preprocessorErrorDirective:/usr/include/*',
           # and since bench/ gained its boost and PortAudio peers,
           # cppcheck 2.10 reports a "syntax error" inside glibc's
           # stdlib.h (at abs()): its parser's limit in a system header,
           # not a finding in our code
           '--suppress=syntaxError:/usr/include/*',
           '--template={file}:{line}: {severity} [{id}] {message}']
    if fixture:
        cmd += glib_flags() + [fixture]
    else:
        cmd += ['--project=' + os.path.join(build_dir,
                                            'compile_commands.json')]
        cmd += ['--file-filter=' + os.path.join(
            os.path.realpath(source_root), d, '*') for d in dirs]
    status, out = run(cmd)
    findings = [line for line in out.splitlines()
                if '] ' in line and line.split(':', 1)[0]]
    return status, out, findings


def clang_tidy(build_dir, source_root, dirs, fixture):
    exe = need('clang-tidy')
    root = os.path.realpath(source_root)
    # the checks and why some are off: SOURCE_ROOT/.clang-tidy
    cmd = [exe, '--quiet', '--config-file=' + os.path.join(root,
                                                          '.clang-tidy')]
    if fixture:
        cmd += [fixture, '--', '-std=gnu11'] + glib_flags()
    else:
        cmd += ['-p', build_dir, '--header-filter=^' + root + '/(' +
                '|'.join(dirs) + ')/']
        cmd += [e['file'] for e in compile_db(build_dir, source_root, dirs)]
    status, out = run(cmd)
    findings = [line for line in out.splitlines()
                if ': warning: ' in line or ': error: ' in line]
    return status, out, findings


def analyzer_command(entry):
    """The entry's gcc command with -fanalyzer, writing nothing."""
    if 'arguments' in entry:
        args = list(entry['arguments'])
    else:
        args = shlex.split(entry['command'])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ('-o', '-MF', '-MQ', '-MT'):
            skip = True
            continue
        if a in ('-MD', '-MMD') or a.startswith('-fdiagnostics-color'):
            continue
        out.append(a)
    return out + ['-fanalyzer', '-fdiagnostics-color=never', '-o',
                  os.devnull]


def analyzer(build_dir, source_root, dirs, fixture):
    if fixture:
        cc = need('gcc')
        entries = [{'directory': os.getcwd(), 'file': fixture,
                    'arguments': [cc, '-std=gnu11', '-O0', '-c', fixture]
                    + glib_flags()}]
    else:
        entries = compile_db(build_dir, source_root, dirs)
    status, outs, findings = 0, [], []
    for e in entries:
        cmd = analyzer_command(e)
        if not os.path.basename(cmd[0]).startswith(('gcc', 'cc')):
            fail(f'-fanalyzer needs gcc, and {e["file"]} is built with '
                 f'{cmd[0]}')
        st, out = run(cmd, cwd=e['directory'])
        outs.append(out)
        lines = [line for line in out.splitlines()
                 if ': warning: ' in line or ': error: ' in line]
        findings += lines
        if st != 0 and not lines:
            findings.append(f'{e["file"]}: the compiler failed:\n{out}')
    return status, ''.join(outs), findings


def main(argv):
    if len(argv) < 2 or argv[1] not in TOOLS:
        fail('usage: run-gate.py {' + '|'.join(TOOLS) +
             '} BUILD_DIR SOURCE_ROOT [DIR...] | --fixture FILE.c')
    tool = argv[1]
    if len(argv) == 4 and argv[2] == '--fixture':
        build_dir = source_root = None
        dirs = ()
        fixture = os.path.realpath(argv[3])
        if not os.path.isfile(fixture):
            fail(f'no such fixture: {argv[3]}')
        source_root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.realpath(__file__))))
    elif len(argv) >= 4:
        build_dir, source_root = argv[2], argv[3]
        dirs = tuple(argv[4:]) or DEFAULT_DIRS
        fixture = None
        for d in dirs:
            if not os.path.isdir(os.path.join(source_root, d)):
                fail(f'no directory {d} in {source_root}')
    else:
        fail(f'{tool}: BUILD_DIR and SOURCE_ROOT, or --fixture FILE.c')

    gate = {'cppcheck': cppcheck, 'clang-tidy': clang_tidy,
            'analyzer': analyzer}[tool]
    status, out, findings = gate(build_dir, source_root, dirs, fixture)
    if fixture:
        # the self-test passes only if the gate names the planted leak
        named = [f for f in findings if 'leak' in f.lower()]
        if named:
            print(f'{tool}: found the planted bug: {named[0].strip()}')
            return 0
        print(out.rstrip())
        print(f'{tool}: did not report the leak planted in {fixture}')
        return 1
    if findings:
        print(out.rstrip())
        print(f'{tool}: {len(findings)} finding(s)')
        return 1
    if status != 0:
        print(out.rstrip())
        print(f'{tool}: exited {status} without a finding it could parse')
        return 1
    where = fixture or ', '.join(dirs)
    print(f'{tool}: 0 findings in {where}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
