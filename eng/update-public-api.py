#!/usr/bin/env python3
"""Brings each project's PublicAPI.Unshipped.txt in line with its code.

Builds the given project (or the solution), reads the public API analyzer's RS0016 (symbol not declared) and RS0017
(declared symbol no longer public) diagnostics, adds or removes those lines, and repeats until the build reports none.
Review the diff afterwards: every line added here is a change to the public surface.
usage: eng/update-public-api.py [project-or-solution]
"""
import re, subprocess, sys, os

target = sys.argv[1] if len(sys.argv) > 1 else "HybridLogging.sln"
pattern = re.compile(r"error (RS0016|RS0017|RS0026|RS0027)?.*?Symbol '(.+?)' (?:is not part of the declared|is part of the declared).*?\[(.+?\.csproj)\]")
for attempt in range(5):
    out = subprocess.run(["dotnet", "build", target, "-c", "Release", "-nologo"], capture_output=True, text=True).stdout
    adds, removes = {}, {}
    for line in out.splitlines():
        m = re.search(r"error (RS001[67]): Symbol '(.+?)' is (?:not )?part of the declared.*?\[(.+?\.csproj)\]", line)
        if not m:
            continue
        code, symbol, project = m.groups()
        folder = os.path.dirname(project)
        (adds if code == "RS0016" else removes).setdefault(folder, set()).add(symbol)
    if not adds and not removes:
        print("public API files are up to date")
        break
    for folder in set(adds) | set(removes):
        path = os.path.join(folder, "PublicAPI.Unshipped.txt")
        lines = open(path).read().splitlines() if os.path.exists(path) else ["#nullable enable"]
        header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
        body = [l for l in lines if l and not l.startswith("#")]
        body = [l for l in body if l not in removes.get(folder, set())]
        body = sorted(set(body) | adds.get(folder, set()))
        open(path, "w").write("\n".join(header + body) + "\n")
        print(f"{path}: +{len(adds.get(folder, ()))} -{len(removes.get(folder, ()))}")
