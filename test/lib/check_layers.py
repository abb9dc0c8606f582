"""Checks lpc's layering (docs/Rationale.md, "Layers") on a source tree.

usage: check_layers.py ROOT

Every `#include "lpc/..."` (and ODS `include "lpc/..."`) in ROOT's include/,
lib/ and tools/, and every lpc library a CMakeLists.txt there links, must go
from a layer to one the table below allows. The run-time library (Runtime)
includes no MLIR header, also not through the lpc headers it includes, and
links no MLIR library. Prints one line per violation and a summary
"layering: F files, N includes, L link lines checked, V violations"; exits 1
if there is any.
"""
import os
import re
import sys

# Layer -> the layers it may depend on (itself included implicitly).
ALLOWED = {
    "Support": set(),
    "Dialect": {"Support"},
    "Utils": {"Dialect", "Support"},
    "Transforms": {"Utils", "Dialect", "Support"},
    "Conversion": {"Transforms", "Utils", "Dialect", "Support"},
    "Target": {"Conversion", "Transforms", "Utils", "Dialect", "Support"},
    "Frontend": {"Utils", "Dialect", "Support"},
    "Pipelines": {"Target", "Conversion", "Transforms", "Utils", "Dialect",
                  "Support"},
    "Runtime": {"Support"},
    "Driver": {"Pipelines", "Target", "Conversion", "Transforms", "Utils",
               "Dialect", "Frontend", "Runtime", "Support"},
    "Plugin": {"Pipelines", "Target", "Conversion", "Transforms", "Utils",
               "Dialect", "Support"},
    "Tools": {"Driver", "Pipelines", "Target", "Conversion", "Transforms",
              "Utils", "Dialect", "Frontend", "Runtime", "Support"},
}
# Single headers another layer may include, with the reason.
EXCEPTIONS = {
    ("Frontend", "lpc/Target/CPU/ABIAttrs.h"):
        "the ABI owns the attribute names the importer sets (header-only)",
}
SOURCE_EXT = (".h", ".cpp", ".c", ".td", ".inc")


def layer_of(rel):
    """The layer of a path relative to the tree root (include/lpc/..., lib/...,
    tools/...), or of an included header "lpc/..."; None if outside."""
    parts = rel.split("/")
    if parts[0] == "tools":
        return "Tools"
    if parts[0] == "include" and len(parts) > 1 and parts[1] == "lpc":
        parts = parts[1:]
    if parts[0] in ("lib", "lpc"):
        parts = parts[1:]
    else:
        return None
    if not parts:
        return None
    head = parts[0]
    if head == "InitAll.h" or head == "InitAll.cpp":
        return "Pipelines"
    if head == "Dialect":
        sub = parts[2] if len(parts) > 2 else "IR"
        return {"IR": "Dialect", "Utils": "Utils",
                "Transforms": "Transforms"}.get(sub, "Dialect")
    if head in ALLOWED:
        return head
    return None


INCLUDE_RE = re.compile(r'^\s*#?\s*include\s+"(lpc/[^"]+)"', re.M)
MLIR_INCLUDE_RE = re.compile(r'^\s*#\s*include\s+[<"]mlir/', re.M)
LIB_RE = re.compile(r"add_\w*?(?:library|executable)\(\s*([A-Za-z0-9_-]+)")
LINK_RE = re.compile(
    r"(?:mlir_)?target_link_libraries\(\s*([A-Za-z0-9_-]+)([^)]*)\)", re.S)
LINK_LIBS_RE = re.compile(r"LINK_LIBS([^)]*)\)", re.S)


def source_files(root):
    for top in ("include", "lib", "tools"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                yield os.path.join(dirpath, f)


def header_includes_mlir(root, header, seen):
    """Whether lpc header "lpc/..." includes an MLIR header, directly or
    through the lpc headers it includes."""
    if header in seen:
        return False
    seen.add(header)
    path = os.path.join(root, "include", header)
    if not os.path.exists(path):
        return False  # generated (.inc) headers are checked by their layer
    text = open(path, errors="replace").read()
    if MLIR_INCLUDE_RE.search(text):
        return True
    return any(header_includes_mlir(root, h, seen)
               for h in INCLUDE_RE.findall(text))


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        return 2
    root = os.path.abspath(sys.argv[1])
    bad = []
    nfiles = nincludes = nlinks = 0
    lib_layer = {}  # CMake target -> layer
    cmake_files = []
    for path in source_files(root):
        rel = os.path.relpath(path, root)
        if os.path.basename(path) == "CMakeLists.txt":
            cmake_files.append((rel, path))
            continue
        if not path.endswith(SOURCE_EXT):
            continue
        layer = layer_of(rel)
        if layer is None:
            continue
        nfiles += 1
        text = open(path, errors="replace").read()
        for n, line in enumerate(text.splitlines(), 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            nincludes += 1
            header = m.group(1)
            to = layer_of(header)
            if to is None or to == layer or to in ALLOWED[layer]:
                pass
            elif (layer, header) in EXCEPTIONS:
                pass
            else:
                bad.append("%s:%d: %s includes %s (%s); %s may depend on %s" % (
                    rel, n, layer, header, to, layer,
                    ", ".join(sorted(ALLOWED[layer])) or "nothing"))
            if layer == "Runtime" and header_includes_mlir(root, header, set()):
                bad.append("%s:%d: the run-time library includes %s, which "
                           "includes MLIR" % (rel, n, header))
        if layer == "Runtime":
            for m in MLIR_INCLUDE_RE.finditer(text):
                n = text.count("\n", 0, m.start()) + 1
                bad.append("%s:%d: the run-time library includes an MLIR header"
                           % (rel, n))
    for rel, path in cmake_files:
        text = open(path, errors="replace").read()
        for name in LIB_RE.findall(text):
            lib_layer[name] = layer_of(rel)
    for rel, path in cmake_files:
        layer = layer_of(rel)
        if layer is None:
            continue
        text = open(path, errors="replace").read()
        links = [(m.group(2), text.count("\n", 0, m.start()) + 1,
                  m.group(0).startswith("mlir_")) for m in LINK_RE.finditer(text)]
        links += [(m.group(1), text.count("\n", 0, m.start()) + 1, False)
                  for m in LINK_LIBS_RE.finditer(text)]
        for body, n, is_mlir in links:
            nlinks += 1
            names = re.findall(r"[A-Za-z0-9_:${}-]+", body)
            if layer == "Runtime" and (is_mlir or any(x.startswith("MLIR") for x in names)):
                bad.append("%s:%d: the run-time library links MLIR" % (rel, n))
            for x in names:
                to = lib_layer.get(x)
                if to is None or to == layer or to in ALLOWED[layer]:
                    continue
                bad.append("%s:%d: %s links %s (%s); %s may depend on %s" % (
                    rel, n, layer, x, to, layer,
                    ", ".join(sorted(ALLOWED[layer])) or "nothing"))
    for line in bad:
        print("LAYERING " + line)
    print("layering: %d files, %d includes, %d link lines checked, %d violations"
          % (nfiles, nincludes, nlinks, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
