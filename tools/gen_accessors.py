#!/usr/bin/env python3
"""Adds missing JavaBean getters/setters for the private fields of model classes (one class a file).
Usage: tools/gen_accessors.py FILE.java...  Idempotent: existing accessors are kept."""
import re, sys, pathlib

FIELD = re.compile(r'^  private\s+(?!static)([\w<>, ?.\[\]]+?)\s+(\w+)\s*(?:=[^;]*)?;', re.M)

for path in sys.argv[1:]:
    p = pathlib.Path(path)
    src = p.read_text()
    body = []
    for t, n in FIELD.findall(src):
        cap = n[0].upper() + n[1:]
        getter = ('is' if t == 'boolean' else 'get') + cap
        if f' {getter}()' not in src:
            body.append(f"  public {t} {getter}() {{\n    return {n};\n  }}\n")
        if f' set{cap}(' not in src:
            body.append(f"  public void set{cap}({t} {n}) {{\n    this.{n} = {n};\n  }}\n")
    if body:
        idx = src.rstrip().rfind('}')
        src = src[:idx].rstrip('\n') + '\n\n' + '\n'.join(body) + '}\n'
        p.write_text(src)
