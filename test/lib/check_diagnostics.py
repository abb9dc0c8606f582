#!/usr/bin/env python3
"""Fails when a diagnostic message in lib/ has no test expecting it.

A diagnostic is a statement that calls emitOpError / emitError / emitWarning
(or assigns to an `error` string that becomes one), or the ONNX importer's
`ctx.error()`. Its message is the longest string literal in the statement;
some `expected-error` / `expected-warning` line or FileCheck directive (any
prefix) in test/ must contain that literal (whitespace normalised). Messages
that are only separators (": ", "'") are ignored.

Importer messages that predate this rule are listed in
test/Meta/untested-importer-diagnostics.txt; a new untested one fails, and so
does a listed one that has since gained a test or disappeared (delete its
line), so the list only shrinks.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
CALL = re.compile(r"emitOpError|emitError|emitWarning|\berror\s*=|parser\.emitError|"
                  r"\bctx\.error\(\)")
# A FileCheck directive with any prefix: "; FOO-NOT: ...", "// CHECK: ...".
DIRECTIVE = re.compile(r"^\s*(;|//|#)\s*[A-Z][A-Z0-9_-]*"
                       r"(-NOT|-NEXT|-SAME|-DAG|-LABEL|-EMPTY|-COUNT-\d+)?:")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def statements(text):
    """Splits C++ text into rough statements (good enough for diagnostics)."""
    text = re.sub(r"//[^\n]*", "", text)
    return text.split(";")


def normalise(s):
    return " ".join(s.replace('\\"', '"').split())


expected = []
for path in (root / "test").rglob("*"):
    if path.suffix not in (".mlir", ".test", ".py", ".onnx.txt"):
        continue
    for line in path.read_text(errors="replace").splitlines():
        if ("expected-error" in line or "expected-warning" in line or
                "CHECK" in line or DIRECTIVE.match(line)):
            expected.append(normalise(line))
expected_text = "\n".join(expected)

missing = []
count = 0
for path in sorted((root / "lib").rglob("*.cpp")):
    for stmt in statements(path.read_text()):
        if not CALL.search(stmt):
            continue
        literals = [normalise(m) for m in LITERAL.findall(stmt)]
        literals = [l for l in literals if len(re.sub(r"[^A-Za-z]", "", l)) >= 6]
        if not literals:
            continue
        count += 1
        message = max(literals, key=len)
        if message not in expected_text:
            missing.append(f"{path.relative_to(root)}: \"{message}\"")

baseline_path = root / "test" / "Meta" / "untested-importer-diagnostics.txt"
baseline = set()
if baseline_path.exists():
    for line in baseline_path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            baseline.add(line.strip())
stale = sorted(baseline - set(missing))
missing = [m for m in missing if m not in baseline]

print(f"{count} diagnostics checked, {len(baseline) - len(stale)} listed as untested")
if missing:
    print("diagnostics without a test expecting them:")
    print("\n".join(missing))
if stale:
    print("listed as untested but now tested or gone (delete these lines from "
          "test/Meta/untested-importer-diagnostics.txt):")
    print("\n".join(stale))
if missing or stale:
    sys.exit(1)
