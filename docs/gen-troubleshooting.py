#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Builds the troubleshooting page from the errors the code emits.

The messages come from the sources (the library's g_set_error() calls and
header checks, the elements' GST_ELEMENT_ERROR/WARNING, the programs'
print_error/usage_error/ring_fail); causes and fixes come from
docs/troubleshooting.toml, which lists every message under its error code
or exit status. The page is always written; with --check the script fails
when a message in the code has no entry (or an entry names a message the
code no longer has), so the page cannot drift from the code.

usage: gen-troubleshooting.py [--check] --data TOML --top SRCDIR [--output MD]
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

# Conversion specifications and the format macros glued between literals.
SPEC = re.compile(r"%[-+ #0']*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfgGcspn%]")
FORMAT_MACRO = re.compile(r"^(G_G[A-Z0-9]*_FORMAT|GST_PTR_FORMAT|GST_TIME_FORMAT|"
                          r"PRI[a-zA-Z0-9]+|G_GSIZE_MODIFIER)$")

# Library REFUSE() problems -> RbRingError code of the message they end up in.
SHM_PROBLEM_CODE = {
    "RB_SHM_TOO_SMALL": "NOT_A_RING",
    "RB_SHM_NOT_A_RING": "NOT_A_RING",
    "RB_SHM_INCOMPATIBLE": "INCOMPATIBLE",
    "RB_SHM_CORRUPT": "CORRUPT",
    "RB_SHM_BAD_POSITIONS": "CORRUPT",
}

EXIT_NAMES = {
    "EX_USAGE": 64, "EX_DATAERR": 65, "EX_NOINPUT": 66, "EX_NOUSER": 67,
    "EX_NOHOST": 68, "EX_UNAVAILABLE": 69, "EX_SOFTWARE": 70,
    "EX_OSERR": 71, "EX_OSFILE": 72, "EX_CANTCREAT": 73, "EX_IOERR": 74,
    "EX_TEMPFAIL": 75, "EX_PROTOCOL": 76, "EX_NOPERM": 77, "EX_CONFIG": 78,
}


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                  text, flags=re.S)


def split_args(text, start):
    """The top-level arguments of the call whose '(' is at text[start]."""
    depth, i, args, cur, in_str = 0, start, [], [], None
    while i < len(text):
        c = text[i]
        if in_str:
            cur.append(c)
            if c == "\\":
                cur.append(text[i + 1]); i += 2; continue
            if c == in_str:
                in_str = None
        elif c in "\"'":
            in_str = c; cur.append(c)
        elif c in "([{":
            depth += 1
            if depth > 1:
                cur.append(c)
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            cur.append(c)
        elif c == "," and depth == 1:
            args.append("".join(cur).strip()); cur = []
        else:
            cur.append(c)
        i += 1
    raise ValueError("unbalanced call")


def literal(arg):
    """The format string an argument spells (concatenated literals and
    format macros), or None if it is not a literal."""
    arg = arg.strip()
    if arg.startswith("(") and arg.endswith(")"):
        arg = split_args(arg, 0)[0]  # GST_ELEMENT_ERROR's ("fmt", args...)
    out, i, seen = [], 0, False
    while i < len(arg):
        c = arg[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j = i + 1
            while arg[j] != '"':
                j += 2 if arg[j] == "\\" else 1
            out.append(bytes(arg[i + 1:j], "utf-8").decode("unicode_escape"))
            seen = True
            i = j + 1
        else:
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", arg[i:])
            if not m:
                return None
            if FORMAT_MACRO.match(m.group(0)):
                out.append("d")  # "%" "d": what the macro completes
            else:
                out.append("%s")  # a string macro such as RB_SHM_DIR
            i += m.end()
    return "".join(out) if seen else None


def literals(arg):
    """The format strings an argument may spell: one literal, or both arms
    of `cond ? "a" : "b"`."""
    s = literal(arg)
    if s is not None:
        return [s]
    m = re.fullmatch(r"[^?\"]*\?\s*(\"(?:[^\"\\]|\\.)*\")\s*:\s*(.*)", arg.strip(), re.S)
    if m:
        a, b = literal(m.group(1)), literal(m.group(2))
        if a is not None and b is not None:
            return [a, b]
    return []


def first_literal_arg(args):
    """The first argument that is a literal (with its index), or None."""
    for n, a in enumerate(args):
        s = literal(a)
        if s is not None:
            return n, s
    return None


def display(fmt):
    """A format string as users see it: each conversion becomes '…'."""
    return SPEC.sub(lambda m: "%" if m.group(0) == "%%" else "…", fmt)


def calls(text, names):
    for m in re.finditer(r"\b(%s)\s*\(" % "|".join(names), text):
        # skip the definitions and declarations
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text[line_start:m.start()].strip() == "" and m.start() == line_start:
            continue
        yield m.group(1), split_args(text, m.end() - 1), text.count("\n", 0, m.start()) + 1


# The programs' sources, by part: each program's directory and the
# command-line helpers they share (cli/), whose messages both print.
PROGRAM_DIRS = {"jack": ("jack", "cli"), "stat": ("tools", "cli")}


def program_sources(top):
    """(part, path) of every C file of the programs, for the parts whose
    program is in the tree."""
    for part, dirs in PROGRAM_DIRS.items():
        if not program_present(top, part):
            continue
        for d in dirs:
            for path in sorted((top / d).glob("*.c")):
                yield part, path


def program_present(top, part):
    return any((top / PROGRAM_DIRS[part][0]).glob("*.c"))


def extract(top):
    """Every message: dicts with where, group kind, group key (or None when
    the code does not fix it) and the displayed message."""
    msgs = []

    def add(part, key, fmt, path, line, call):
        msgs.append({"part": part, "key": key, "message": display(fmt),
                     "where": f"{path}:{line}", "call": call})

    for path in sorted((top / "lib/ringbridge").glob("*.c")):
        text = strip_comments(path.read_text())
        rel = path.relative_to(top)
        for name, args, line in calls(text, ["g_set_error", "REFUSE"]):
            if name == "g_set_error":
                if len(args) < 4 or args[1] != "RB_RING_ERROR":
                    continue
                m = re.fullmatch(r"RB_RING_ERROR_([A-Z_]+)", args[2])
                key = m.group(1) if m else None
                fmts = literals(args[3])
            else:
                if args[0] not in SHM_PROBLEM_CODE:
                    continue
                key = SHM_PROBLEM_CODE[args[0]]
                fmts = literals(args[1])
            if not fmts:
                raise SystemExit(f"{rel}:{line}: {name} without a literal message")
            for fmt in fmts:
                add("lib", key, fmt, rel, line, name)

    for path in sorted((top / "gst").glob("*.c")):
        text = strip_comments(path.read_text())
        rel = path.relative_to(top)
        for name, args, line in calls(text, ["GST_ELEMENT_ERROR", "GST_ELEMENT_WARNING"]):
            if len(args) < 5:
                continue
            key = f"{args[1]}/{args[2]}"
            fmt = literal(args[3])
            if fmt is None:
                raise SystemExit(f"{rel}:{line}: {name} without a literal message")
            add("gst", key, fmt, rel, line, name)

    for part, path in program_sources(top):
        rel = path.relative_to(top)
        text = strip_comments(path.read_text())
        for name, args, line in calls(text, ["print_error", "print_warning",
                                             "usage_error", "ring_fail"]):
            key = None
            if name == "usage_error":
                key = 64
            elif name == "ring_fail":
                key = EXIT_NAMES.get(args[1])
                args = args[2:]
            found = first_literal_arg(args)
            if found is None:
                raise SystemExit(f"{rel}:{line}: {name} without a literal message")
            add(part, key, found[1], rel, line, name)
    return msgs


def gst_mapping(top):
    """RbRingError code -> GStreamer error, from gst_ring_post_error()."""
    path = top / "gst/gstringcommon.c"
    if not path.exists():
        return {}
    text = strip_comments(path.read_text())
    m = re.search(r"gst_ring_post_error\s*\(.*?\n}\n", text, re.S)
    if not m:
        return {}
    body = m.group(0)
    default = "RESOURCE/FAILED"
    mapping, pending = {}, []
    for tok in re.finditer(r"case RB_RING_ERROR_([A-Z_]+):|domain = GST_([A-Z]+)_ERROR;|"
                           r"code = GST_([A-Z]+)_ERROR_([A-Z_]+);|default:|break;", body):
        if tok.group(1):
            pending.append(tok.group(1))
            cur_domain = "RESOURCE"
        elif tok.group(2):
            cur_domain = tok.group(2)
        elif tok.group(3) and pending:
            for c in pending:
                mapping[c] = f"{tok.group(3)}/{tok.group(4)}" if tok.group(3) != "RESOURCE" or cur_domain == "RESOURCE" else f"{cur_domain}/{tok.group(4)}"
            pending = []
    return mapping, default


def jack_mapping(top):
    """RbRingError code -> exit status, from status_for_ring_error()."""
    if not program_present(top, "jack"):
        return {}
    m = None
    for path in sorted((top / "jack").glob("*.c")):
        text = strip_comments(path.read_text())
        m = re.search(r"\nstatus_for_ring_error\s*\(.*?\n}\n", text, re.S)
        if m:
            break
    if not m:
        raise SystemExit("jack/*.c: no status_for_ring_error()")
    mapping, pending = {}, []
    for tok in re.finditer(r"case RB_RING_ERROR_([A-Z_]+):|default:|return (EX_[A-Z]+);", m.group(0)):
        if tok.group(1):
            pending.append(tok.group(1))
        elif tok.group(0) == "default:":
            pending.append("any other")
        elif pending:
            for c in pending:
                mapping[c] = EXIT_NAMES[tok.group(2)]
            pending = []
    return mapping


def md_escape_code(s):
    return "`` " + s + " ``" if "`" in s else "`" + s + "`"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--output")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--list", action="store_true", help="print the messages found")
    opts = ap.parse_args()
    top = Path(opts.top)
    msgs = extract(top)
    if opts.list:
        for m in msgs:
            print(f"{m['part']}\t{m['key']}\t{m['where']}\t{m['message']}")
        return 0
    data = tomllib.loads(Path(opts.data).read_text())

    problems = []
    # every message of the code needs an entry in its part (and, where the
    # code fixes it, under its code or status)
    index = {}
    for part in ("lib", "gst", "jack", "stat"):
        for entry in data.get(part, []):
            for msg in entry.get("messages", []):
                index.setdefault((part, msg), []).append(entry)
    found = set()
    for m in msgs:
        entries = index.get((m["part"], m["message"]))
        found.add((m["part"], m["message"]))
        if not entries:
            problems.append(f"{m['where']}: no entry in {opts.data} [{m['part']}] "
                            f"for the message \"{m['message']}\"" +
                            (f" (under {m['key']})" if m["key"] is not None else ""))
            continue
        if m["key"] is not None and not any(e.get("key") == m["key"] or m["key"] in e.get("also", [])
                                            for e in entries):
            problems.append(f"{m['where']}: the message \"{m['message']}\" is listed under "
                            f"{[e.get('key') for e in entries]}, but the code reports it as {m['key']}")
    for (part, msg) in index:
        if part in PROGRAM_DIRS and not program_present(top, part):
            continue
        if (part, msg) not in found:
            problems.append(f"{opts.data}: [{part}] lists \"{msg}\", which the code no longer emits")

    if opts.output:
        Path(opts.output).write_text(render(data, msgs, gst_mapping(top), jack_mapping(top)))
    for p in problems:
        print(p, file=sys.stderr)
    if opts.check and problems:
        print(f"{len(problems)} problem(s): the troubleshooting page is out of date", file=sys.stderr)
        return 1
    return 0


def render(data, msgs, mapping, jmapping):
    where = {}
    for m in msgs:
        where.setdefault((m["part"], m["message"]), []).append(m["where"])
    out = [data["intro"].strip(), ""]
    for part in ("lib", "gst", "jack", "stat"):
        sec = data["sections"][part]
        out += [f"## {sec['title']}", "", sec["text"].strip(), ""]
        if part == "gst" and mapping:
            table, default = mapping
            out += ["Library errors reach the bus as follows (from `gst_ring_post_error()`):", "",
                    "| `RbRingError` | GStreamer error |", "| --- | --- |"]
            for code, gerr in table.items():
                out.append(f"| `RB_RING_ERROR_{code}` | `{gerr}` |")
            out.append(f"| any other | `{default}` |")
            out.append("")
        if part == "jack" and jmapping:
            out += ["| `RbRingError` | exit status |", "| --- | --- |"]
            for code, status in jmapping.items():
                name = code if code == "any other" else f"`RB_RING_ERROR_{code}`"
                out.append(f"| {name} | {status} |")
            out.append("")
        for entry in data.get(part, []):
            out += [f"### {entry['title']}", ""]
            if "key" in entry:
                out += [f"*{sec['key_label']}:* `{entry['key']}`" +
                        "".join(f", `{k}`" for k in entry.get("also", [])), ""]
            out += ["| message | where |", "| --- | --- |"]
            for msg in entry.get("messages", []):
                locs = ", ".join(where.get((part, msg), ["(not in this build's sources)"]))
                shown = msg.replace("|", "\\|")
                out.append(f"| {md_escape_code(shown)} | {locs} |")
            out.append("")
            out += [f"**Cause.** {entry['cause'].strip()}", "",
                    f"**Fix.** {entry['fix'].strip()}", ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
