#!/usr/bin/env python3
"""Marks every package's reviewed public surface as shipped for a release.

Moves the lines of each src/*/PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt (sorted, header kept) and leaves the
Unshipped file with its header only, so every later change to the surface shows as a diff of Unshipped. Removing a
shipped member afterwards needs a *REMOVED* line (the analyzer's RS0017 tells which).
usage: eng/ship-public-api.py
"""
import glob, os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
for unshipped in sorted(glob.glob(os.path.join(root, "src", "*", "PublicAPI.Unshipped.txt"))):
    shipped = os.path.join(os.path.dirname(unshipped), "PublicAPI.Shipped.txt")
    read = lambda p: open(p).read().splitlines() if os.path.exists(p) else ["#nullable enable"]
    new, old = read(unshipped), read(shipped)
    header = [l for l in old if l.startswith("#")] or ["#nullable enable"]
    moved = [l for l in new if l and not l.startswith("#")]
    body = sorted(set(l for l in old if l and not l.startswith("#")) | set(moved))
    open(shipped, "w").write("\n".join(header + body) + "\n")
    open(unshipped, "w").write("\n".join([l for l in new if l.startswith("#")] or ["#nullable enable"]) + "\n")
    print(f"{os.path.relpath(shipped, root)}: {len(moved)} moved, {len(body)} shipped")
