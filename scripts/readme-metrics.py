#!/usr/bin/env python3
"""Regenerates the README's metric table (between the <!-- metrics:start/end -->
markers) from the services' metric tables: each `metric_table!` in src/model/,
in the order the registry (src/model/services.rs, TABLES) puts them in the
output. Run after adding or changing a metric; tests/suite/readme.rs checks
every metric has a row."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
model = root / "src/model"
registry = (model / "services.rs").read_text()
order = re.findall(r"^\s+(\w+Metric)::TABLE,", registry, re.M)
blocks = {}
for path in sorted(model.glob("*.rs")):
    text = path.read_text()
    for m in re.finditer(r"pub enum (\w+Metric) \{(.*?)\n    \}", text, re.S):
        rows = re.findall(r'^\s+(\w+): (\w+), "((?:[^"\\]|\\.)*)";', m.group(2), re.M)
        blocks[m.group(1)] = rows
scope = {"B": "borough, ALL", "BG": "borough, segment, ALL", "S": "site, ALL", "L": "line, ALL", "BS": "borough, site, ALL",
         "BL": "borough, line, ALL", "BSL": "every area", "R": "ALL"}
table = ["| metric | reported for | definition |", "|---|---|---|"]
for enum in order:
    table += [f"| `{name}` | {scope[s]} | {doc} |" for name, s, doc in blocks[enum]]
readme = root / "README.md"
text = readme.read_text()
start = text.index("<!-- metrics:start -->\n") + len("<!-- metrics:start -->\n")
end = text.index("<!-- metrics:end -->")
readme.write_text(text[:start] + "\n".join(table) + "\n" + text[end:])
print(f"{len(table) - 2} metrics")
