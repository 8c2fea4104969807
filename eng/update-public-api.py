#!/usr/bin/env python3
"""Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt.

Usage: python3 eng/update-public-api.py [project-dir ...]   (default: every project under src/)
Review the diff afterwards: every line is a public API change.
"""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
projects = [pathlib.Path(p) for p in sys.argv[1:]] or [p.parent for p in (root / "src").glob("*/*.csproj")]
pattern = re.compile(r"^(?P<file>/[^(]+)\(\d+,\d+\): (?:error|warning) RS0016: Symbol '(?P<sym>.+)' is not part of the declared public API")
for project in projects:
    out = subprocess.run(["dotnet", "build", str(project), "-p:TreatWarningsAsErrors=false", "--no-incremental", "-clp:NoSummary"],
                         capture_output=True, text=True).stdout
    symbols = sorted({m.group("sym") for line in out.splitlines() if (m := pattern.match(line))})
    if not symbols:
        continue
    unshipped = project / "PublicAPI.Unshipped.txt"
    lines = unshipped.read_text().splitlines() if unshipped.exists() else ["#nullable enable"]
    merged = [lines[0]] + sorted(set(lines[1:]) | set(symbols))
    unshipped.write_text("\n".join(merged) + "\n")
    print(f"{project.name}: {len(symbols)} symbols added")
