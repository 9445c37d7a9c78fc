#!/usr/bin/env python3
"""Regenerates the README's metric table from the metric table in
src/model/metrics.rs (between the <!-- metrics:start/end --> markers).
Run after adding or changing a metric; tests/suite/readme.rs checks every metric
has a row."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
src = (root / "src/model/metrics.rs").read_text()
rows = re.findall(r'^\s+(\w+) = "(\w+)", (\w+), "((?:[^"\\]|\\.)*)";', src, re.M)
scope = {"B": "borough, ALL", "S": "site, ALL", "L": "line, ALL", "BS": "borough, site, ALL",
         "BL": "borough, line, ALL", "BSL": "every area", "R": "ALL"}
table = ["| metric | reported for | definition |", "|---|---|---|"]
table += [f"| `{name}` | {scope[s]} | {doc} |" for _, name, s, doc in rows]
readme = root / "README.md"
text = readme.read_text()
start = text.index("<!-- metrics:start -->\n") + len("<!-- metrics:start -->\n")
end = text.index("<!-- metrics:end -->")
readme.write_text(text[:start] + "\n".join(table) + "\n" + text[end:])
