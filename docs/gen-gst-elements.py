#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Writes the element reference page of the ringbridge GStreamer plugin.

Everything gst-inspect-1.0 shows comes from the plugin itself, loaded
from the build tree: metadata, pad templates and caps, and every property
with its type, flags, default, range or values and blurb. The longer text
comes from the elements' own documentation comments in gst/*.c (the
SECTION:element-NAME block and one block per property), so the site, the
source and gst-inspect-1.0 cannot disagree.

Run with GST_PLUGIN_PATH_1_0 pointing at the build's gst/ directory (meson
does this, hermetically: GST_PLUGIN_SYSTEM_PATH_1_0 is the system's plugins
directory only and GST_REGISTRY is a file in the build tree).

usage: gen-gst-elements.py --output MD SOURCE.c...
"""

import argparse
import re
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GObject, Gst  # noqa: E402

PLUGIN = "ringbridge"


# --- doc comments ------------------------------------------------------------

def comment_blocks(text):
    """(symbol, body lines) of every /** ... */ block."""
    for m in re.finditer(r"^([ \t]*)/\*\*\n(.*?)\n[ \t]*\*/", text, re.M | re.S):
        lines = []
        for line in m.group(2).split("\n"):
            line = re.sub(r"^[ \t]*\* ?", "", line, count=1)
            lines.append(line)
        if lines:
            yield lines[0].strip(), lines[1:]


def gtkdoc_to_markdown(lines, props_of):
    """gtk-doc markup of element docs to the Markdown gi-docgen renders."""
    out, in_code = [], False
    for line in lines:
        if not in_code and line.strip().startswith("|["):
            out += ["", "```sh"]
            rest = line.strip()[2:].strip()
            if rest:
                out.append(rest)
            in_code = True
            continue
        if in_code:
            if line.strip().startswith("]|"):
                out += ["```", ""]
                rest = line.strip()[2:].strip()
                if rest:
                    out.append(rest)
                in_code = False
            else:
                out.append(line)
            continue
        if re.match(r"#+ ", line):
            line = "#" + line  # headings go one level below the element's
        line = re.sub(r"#(Gst[A-Za-z]+):([a-z0-9-]+)",
                      lambda m: f"[`{m.group(2)}`](#{props_of(m.group(1))}-{m.group(2)})",
                      line)
        line = re.sub(r"#RbRing\b", "[`RbRing`](class.Ring.html)", line)
        line = re.sub(r"%(TRUE|FALSE|NULL)\b", r"`\1`", line)
        out.append(line)
    while out and out[-1].strip() == "":
        out.pop()
    return out


def split_tags(lines):
    """Body text and the trailing `Since:` tag."""
    since = None
    body = []
    for line in lines:
        m = re.match(r"Since:\s*(\S+)", line)
        if m:
            since = m.group(1)
        else:
            body.append(line)
    while body and body[0].strip() == "":
        body.pop(0)
    return body, since


def read_docs(sources):
    sections, props = {}, {}
    for path in sources:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for symbol, lines in comment_blocks(text):
            m = re.fullmatch(r"SECTION:element-([a-z0-9]+)", symbol)
            if m:
                body = [ln for ln in lines if not re.match(r"@(title|see_also|short_description):", ln)]
                sections[m.group(1)] = split_tags(body)
                continue
            m = re.fullmatch(r"(Gst[A-Za-z]+):([a-z0-9-]+):", symbol)
            if m:
                props[(m.group(1), m.group(2))] = split_tags(lines)
    return sections, props


# A property both elements share is documented once, as GstRingElement:NAME:
# next to the code that makes its spec; an element's own comment for it
# follows that text.
SHARED = "GstRingElement"


def property_doc(props, type_name, prop):
    """(body lines, since) of @type_name's property @prop."""
    shared, shared_since = props.get((SHARED, prop), ([], None))
    own, own_since = props.get((type_name, prop), ([], None))
    shared = [ln.replace(f"#{SHARED}:", f"#{type_name}:") for ln in shared]
    while shared and shared[-1].strip() == "":
        shared.pop()
    body = shared + [""] + own if shared and own else shared or own
    return body, own_since or shared_since


# --- what gst-inspect-1.0 shows ----------------------------------------------

FLAG_WORDS = [
    (GObject.ParamFlags.READABLE, "readable"),
    (GObject.ParamFlags.WRITABLE, "writable"),
    (GObject.ParamFlags.DEPRECATED, "deprecated"),
    (Gst.PARAM_CONTROLLABLE, "controllable"),
    (Gst.PARAM_MUTABLE_PLAYING, "changeable in NULL, READY, PAUSED or PLAYING state"),
    (Gst.PARAM_MUTABLE_PAUSED, "changeable only in NULL, READY or PAUSED state"),
    (Gst.PARAM_MUTABLE_READY, "changeable only in NULL or READY state"),
    (GObject.ParamFlags.CONSTRUCT_ONLY, "construct-only"),
]


def flags_text(pspec):
    words = [w for f, w in FLAG_WORDS if int(pspec.flags) & int(f)]
    return ", ".join(words)


def type_text(pspec):
    vt = pspec.value_type
    if vt.is_a(GObject.TYPE_ENUM) or vt.is_a(GObject.TYPE_FLAGS) or \
            vt.is_a(GObject.TYPE_OBJECT) or vt.is_a(GObject.TYPE_BOXED):
        return vt.name
    names = {
        "gchararray": "String", "gboolean": "Boolean", "gint": "Integer",
        "guint": "Unsigned Integer", "gint64": "Integer64",
        "guint64": "Unsigned Integer64", "glong": "Long", "gulong": "Unsigned Long",
        "gfloat": "Float", "gdouble": "Double",
    }
    return names.get(vt.name, vt.name)


def value_text(pspec, value):
    vt = pspec.value_type
    if vt.name == "gchararray":
        return "null" if value is None else f'"{value}"'
    if vt.name == "gboolean":
        return "true" if value else "false"
    if vt.is_a(GObject.TYPE_ENUM):
        v = int(value)
        nick = [e.value_nick for k, e in vt.pytype.__enum_values__.items() if k == v]
        return f"{v}, \"{nick[0]}\"" if nick else str(v)
    if vt.is_a(GObject.TYPE_OBJECT) or vt.is_a(GObject.TYPE_BOXED):
        return "null" if value is None else str(value)
    return str(value)


def range_text(pspec):
    if hasattr(pspec, "minimum") and hasattr(pspec, "maximum"):
        return f"{pspec.minimum} – {pspec.maximum}"
    return None


def enum_values(pspec):
    vt = pspec.value_type
    if not vt.is_a(GObject.TYPE_ENUM):
        return []
    return [(k, e.value_nick, e.value_name)
            for k, e in sorted(vt.pytype.__enum_values__.items())]


def caps_text(caps):
    if caps.is_any():
        return ["ANY"]
    if caps.is_empty():
        return ["EMPTY"]
    out = []
    for i in range(caps.get_size()):
        s = caps.get_structure(i)
        out.append(s.to_string())
    return out


def md_cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def anchor(element, prop):
    return f"{element}-{prop}"


def element_page(factory, sections, props_doc):
    name = factory.get_name()
    element = factory.create(None)
    gtype = element.__gtype__
    type_name = gtype.name
    out = [f"## {name}", ""]

    body, since = sections.get(name, ([], None))
    if body:
        out += gtkdoc_to_markdown(body, lambda t: name) + [""]
    else:
        out += [f"*No SECTION:element-{name} comment in the sources.*", ""]

    out += [f"### {name}: metadata", "", "| | |", "| --- | --- |",
            f"| Factory name | `{name}` |",
            f"| Type | `{type_name}` |"]
    for key, label in (("long-name", "Long name"), ("klass", "Klass"),
                       ("description", "Description"), ("author", "Author")):
        out.append(f"| {label} | {md_cell(factory.get_metadata(key))} |")
    out.append(f"| Rank | {int(factory.get_rank())} |")
    out.append(f"| Plugin | `{PLUGIN}` |")
    if since:
        out.append(f"| Since | {since} |")
    out.append("")

    out += [f"### {name}: pad templates", ""]
    for tmpl in factory.get_static_pad_templates():
        direction = {Gst.PadDirection.SRC: "source", Gst.PadDirection.SINK: "sink"}.get(
            tmpl.direction, "unknown")
        presence = {Gst.PadPresence.ALWAYS: "always", Gst.PadPresence.SOMETIMES: "sometimes",
                    Gst.PadPresence.REQUEST: "request"}.get(tmpl.presence, "?")
        out += [f"`{tmpl.name_template}`: {direction}, {presence}", "", "```"]
        out += caps_text(tmpl.get_caps())
        out += ["```", ""]

    own, inherited = [], []
    for pspec in sorted(element.list_properties(), key=lambda p: p.name):
        (own if pspec.owner_type == gtype else inherited).append(pspec)

    out += [f"### {name}: properties", "",
            "As `gst-inspect-1.0 " + name + "` shows them, with the longer "
            "description from the element's documentation.", ""]
    for pspec in own:
        doc, psince = property_doc(props_doc, type_name, pspec.name)
        out += [f"<a id=\"{anchor(name, pspec.name)}\"></a>", "",
                f"#### `{pspec.name}`", "",
                f"*{md_cell(pspec.blurb)}*", "",
                "| | |", "| --- | --- |",
                f"| Type | `{type_text(pspec)}` |",
                f"| Flags | {flags_text(pspec)} |"]
        if int(pspec.flags) & int(GObject.ParamFlags.READABLE):
            out.append(f"| Default | `{md_cell(value_text(pspec, pspec.default_value))}` |")
        rng = range_text(pspec)
        if rng:
            out.append(f"| Range | {rng} |")
        if psince:
            out.append(f"| Since | {psince} |")
        out.append("")
        values = enum_values(pspec)
        if values:
            out += ["| value | nick | meaning |", "| --- | --- | --- |"]
            out += [f"| {v} | `{nick}` | {md_cell(desc)} |" for v, nick, desc in values]
            out.append("")
        if doc:
            out += gtkdoc_to_markdown(doc, lambda t: name) + [""]
        else:
            out += [f"*No GObject doc comment ({type_name}:{pspec.name}) in the sources.*", ""]

    if inherited:
        out += [f"#### Inherited properties of {name}", "",
                "From the base classes; the same for every element of their kind.", "",
                "| property | type | default | range | flags | blurb |",
                "| --- | --- | --- | --- | --- | --- |"]
        for pspec in inherited:
            default = value_text(pspec, pspec.default_value) \
                if int(pspec.flags) & int(GObject.ParamFlags.READABLE) else ""
            out.append(f"| <a id=\"{anchor(name, pspec.name)}\"></a>`{pspec.name}` | `{type_text(pspec)}` | `{md_cell(default)}` | "
                       f"{range_text(pspec) or ''} | {flags_text(pspec)} | {md_cell(pspec.blurb)} |")
        out.append("")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", required=True)
    ap.add_argument("sources", nargs="+")
    opts = ap.parse_args()

    Gst.init(None)
    plugin = Gst.Registry.get().find_plugin(PLUGIN)
    if plugin is None:
        sys.exit(f"gen-gst-elements: GStreamer cannot load the plugin '{PLUGIN}' "
                 "(GST_PLUGIN_PATH_1_0 should name the build's gst/ directory)")
    sections, props_doc = read_docs(opts.sources)
    factories = sorted(
        (f for f in Gst.Registry.get().get_feature_list_by_plugin(PLUGIN)
         if isinstance(f, Gst.ElementFactory)),
        key=lambda f: f.get_name())

    out = ["Title: GStreamer element reference", "",
           "# GStreamer element reference", "",
           f"The plugin `{PLUGIN}` ({md_cell(plugin.get_description())}), "
           f"version {plugin.get_version()}, license {plugin.get_license()}, "
           f"has {len(factories)} elements: " +
           ", ".join(f"[{f.get_name()}](#{f.get_name()})" for f in factories) + ".", "",
           "This page is generated from the plugin itself (what `gst-inspect-1.0` "
           "prints) and from the elements' documentation comments in `gst/*.c`; "
           "the [GStreamer guide](gst.md) explains how to use them.", ""]
    for factory in factories:
        out += element_page(factory, sections, props_doc)

    with open(opts.output, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
