#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Where `meson install` puts things, without building or root (issue #16).

Configures the source tree twice into throwaway build directories and
reads `meson introspect --installed`:
- --prefix=/usr: the plugin in GStreamer's pluginsdir, the typelib in
  GObject Introspection's typelibdir, the overrides in a gi/overrides
  directory of /usr/bin/python3's (where Debian's packages look);
- --prefix=/usr/local: the overrides in a directory on /usr/bin/python3's
  sys.path (Debian's python3 searches /usr/local/lib/python3.X/
  dist-packages, not meson's default /usr/local/lib/python3/...).

usage: test-install-dirs.py MESON SOURCE_ROOT
"""

import json
import os
import subprocess
import sys
import tempfile


def pkgconfig_var(pkg, var):
    return subprocess.run(["pkg-config", "--variable=" + var, pkg],
                          check=True, capture_output=True,
                          text=True).stdout.strip()


def installed(meson, src, prefix, tmp):
    build = os.path.join(tmp, "build" + prefix.replace("/", "-"))
    r = subprocess.run([meson, "setup", build, src, "--prefix=" + prefix,
                        "-Dtests=false", "-Dbench=false", "-Ddocs=disabled"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL meson setup --prefix=%s:\n%s" % (prefix, r.stdout[-3000:]))
    out = subprocess.run([meson, "introspect", build, "--installed"],
                         check=True, capture_output=True, text=True).stdout
    return {os.path.basename(d): os.path.dirname(d)
            for d in json.loads(out).values()}


def python_paths():
    out = subprocess.run(["/usr/bin/python3", "-c",
                          "import json, sys, gi.overrides; print(json.dumps("
                          "[sys.path, list(gi.overrides.__path__)]))"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    meson, src = sys.argv[1:3]
    failures = []

    def check(what, got, want):
        if got in want if isinstance(want, list) else got == want:
            print("ok %s: %s" % (what, got))
        else:
            print("FAIL %s: %s, not %s" % (what, got, want))
            failures.append(what)

    sys_path, overrides_path = python_paths()
    with tempfile.TemporaryDirectory() as tmp:
        usr = installed(meson, src, "/usr", tmp)
        check("/usr: the plugin", usr.get("libgstringbridge.so"),
              pkgconfig_var("gstreamer-1.0", "pluginsdir"))
        check("/usr: the typelib", usr.get("RingBridge-1.0.typelib"),
              pkgconfig_var("gobject-introspection-1.0", "typelibdir"))
        check("/usr: the overrides", usr.get("RingBridge.py"), overrides_path)
        local = installed(meson, src, "/usr/local", tmp)
        site = os.path.dirname(os.path.dirname(local.get("RingBridge.py", "")))
        check("/usr/local: the overrides' site directory", site, sys_path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
