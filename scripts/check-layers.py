#!/usr/bin/env python3
"""The module graph of src/: no import cycles, and every import points down the layers.

Usage: scripts/check-layers.py [--graph] [--stats]

A node is a module (one file). An edge A -> B is any path in A's file that names B: a `use`
line (braces expanded) or an inline path, through `crate::`, `super::` or `self::`. A path is
resolved to the deepest module it names; a module's references to its own descendants are
not edges (a folder's `mod.rs` declares and re-exports its parts).

Rules checked (exit status 1 on any breach, with each offending edge printed):
1. The graph has no cycle (a strongly connected component of more than one module).
2. Every edge goes from a higher layer to the same or a lower one (LAYERS below).
3. SQL (`sqlx::query`) appears only in repositories (`server::repo`) and the database module
   (`server::db`).

--graph prints every edge; --stats prints lines of code per layer and the longest files.
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# Lowest first. A module belongs to the first layer whose prefix it starts with (longest
# prefix wins). Edges may only point to the same layer or a lower one.
LAYERS = [
    ("core", ["crate::plan", "crate::ballot", "crate::handling", "crate::results", "crate::charts",
              "crate::export", "crate::audit", "crate::clock", "crate::message",
              "crate::seal", "crate::totp"]),
    ("model", ["crate::model", "crate::error"]),
    ("repo", ["crate::server::repo", "crate::server::db"]),
    ("service", ["crate::server::service"]),
    ("api", ["crate::api"]),
    ("views", ["crate::components", "crate::pages", "crate::app"]),
    ("web", ["crate::server::web", "crate::server"]),
    ("cli", ["crate::server::cli"]),
    ("crate", ["crate"]),
]

SQL_ALLOWED = ["crate::server::repo", "crate::server::db"]

# Workspace crates the app re-exports as modules (`pub use ceping_seal as seal;`): nodes
# without a file here (their own crate keeps them pure: it cannot name the app at all).
REEXPORTED = ["crate::seal"]


def layer_of(module):
    best = None
    for rank, (name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if module == p or module.startswith(p + "::"):
                if best is None or len(p) > best[2]:
                    best = (rank, name, len(p))
    return best[0], best[1]


def module_files():
    """Maps each module path to its file, following `#[path]` attributes."""
    files = {}
    for dirpath, _, names in os.walk(ROOT):
        for n in names:
            if not n.endswith(".rs"):
                continue
            full = os.path.join(dirpath, n)
            rel = os.path.relpath(full, ROOT)[:-3].split(os.sep)
            if rel == ["lib"]:
                mod = ["crate"]
            elif rel == ["main"]:
                continue  # the binary is another crate
            else:
                if rel[-1] == "mod":
                    rel = rel[:-1]
                mod = ["crate"] + rel
            files["::".join(mod)] = full
    # `#[path = "x.rs"] mod name;` puts x.rs at module::name.
    path_attr = re.compile(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*(?:pub\s+)?mod\s+(\w+)\s*;')
    for mod, full in list(files.items()):
        with open(full, encoding="utf-8") as f:
            text = f.read()
        for target, name in path_attr.findall(text):
            base = os.path.dirname(full)
            if not (full.endswith("mod.rs") or full.endswith("lib.rs")):
                base = os.path.join(base, os.path.basename(full)[:-3])
                if not os.path.exists(os.path.join(base, target)):
                    base = os.path.dirname(full)
            tfile = os.path.normpath(os.path.join(base, target))
            for m2, f2 in list(files.items()):
                if os.path.normpath(f2) == tfile:
                    del files[m2]
            files[mod + "::" + name] = tfile
    return files


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        i = s.find("{")
        if i < 0:
            out.append(prefix + s)
            return
        head = s[:i]
        inner = s[i + 1: s.rfind("}")]
        depth, start, parts = 0, 0, []
        for j, c in enumerate(inner):
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == "," and depth == 0:
                parts.append(inner[start:j])
                start = j + 1
        parts.append(inner[start:])
        for p in parts:
            if p:
                walk(prefix + head, p)

    walk("", tree)
    return [re.sub(r"\s+as\s+\w+$", "", p) for p in out]


def inline_depths(text):
    """For each offset, how many inline `mod name { ... }` blocks enclose it (as a list of
    (offset, depth) change points)."""
    changes, stack = [(0, 0)], []
    for m in re.finditer(r"\bmod\s+\w+\s*\{|\{|\}", text):
        tok = m.group(0)
        if tok == "}":
            if stack:
                stack.pop()
        else:
            stack.append(tok != "{")
        changes.append((m.end(), sum(stack)))
    return changes


def depth_at(changes, offset):
    d = 0
    for at, depth in changes:
        if at > offset:
            break
        d = depth
    return d


def paths_in(text):
    """(path, inline module depth) for every path the text names."""
    text = strip_comments(text)
    changes = inline_depths(text)
    found = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        d = depth_at(changes, m.start())
        found.extend((p, d) for p in expand_use(m.group(1)))
    body = re.sub(r"\buse\s+[^;]+;", lambda m: " " * len(m.group(0)), text)
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", body):
        found.append((m.group(1), depth_at(changes, m.start())))
    return found


def resolve(path, here, depth, modules):
    parts = path.split("::")
    if parts[0] == "crate":
        segs = ["crate"]
        parts = parts[1:]
    elif parts[0] in ("super", "self"):
        segs = here.split("::") + ["<inline>"] * depth
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                segs = segs[:-1]
            parts = parts[1:]
        if "<inline>" in segs:
            return here
    else:
        return None
    best = "::".join(segs)
    for p in parts:
        segs = segs + [p]
        cand = "::".join(segs)
        if cand in modules:
            best = cand
        else:
            break
    return best


def main():
    files = module_files()
    modules = set(files) | set(REEXPORTED)
    edges = defaultdict(set)
    for mod, full in files.items():
        with open(full, encoding="utf-8") as f:
            text = f.read()
        for p, depth in paths_in(text):
            t = resolve(p, mod, depth, modules)
            if t is None or t == mod or t.startswith(mod + "::"):
                continue
            edges[mod].add(t)

    failures = []
    # 1. Cycles: Tarjan's strongly connected components.
    index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    for v in sorted(modules):
        if v not in index:
            strong(v)
    for comp in sccs:
        if len(comp) > 1:
            inside = set(comp)
            failures.append(f"cycle of {len(comp)} modules: " + ", ".join(sorted(comp)))
            for a in sorted(comp):
                for b in sorted(edges[a] & inside):
                    failures.append(f"    {a} -> {b}")

    # 2. Layers.
    for a in sorted(edges):
        ra, na = layer_of(a)
        for b in sorted(edges[a]):
            rb, nb = layer_of(b)
            if rb > ra:
                failures.append(f"upward import: {a} ({na}) -> {b} ({nb})")

    # 3. SQL only in repositories.
    for mod, full in sorted(files.items()):
        if any(mod == p or mod.startswith(p + "::") for p in SQL_ALLOWED):
            continue
        with open(full, encoding="utf-8") as f:
            text = strip_comments(f.read())
        if re.search(r"sqlx::query|query_as\(|query_scalar\(", text):
            failures.append(f"SQL outside the repositories: {mod} ({os.path.relpath(full, ROOT)})")

    if "--graph" in sys.argv:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print(f"{a} -> {b}")
    if "--stats" in sys.argv:
        per_layer = defaultdict(int)
        sizes = []
        for mod, full in files.items():
            with open(full, encoding="utf-8") as f:
                n = sum(1 for _ in f)
            per_layer[layer_of(mod)[1]] += n
            sizes.append((n, os.path.relpath(full, ROOT)))
        print("lines per layer:")
        for name, _ in LAYERS:
            if per_layer[name]:
                print(f"  {name:8} {per_layer[name]:6}")
        print("longest files:")
        for n, f in sorted(sizes, reverse=True)[:12]:
            print(f"  {n:6}  src/{f}")
        print(f"modules: {len(modules)}, edges: {sum(len(v) for v in edges.values())}")

    for f in failures:
        print(f)
    if failures:
        print(f"check-layers: {len([f for f in failures if not f.startswith('    ')])} problem(s)")
        return 1
    print(f"check-layers: {len(modules)} modules, no cycle, every import points down, SQL only in repositories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
