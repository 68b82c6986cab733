#!/usr/bin/env bash
# Fails if any NuGet package the solution restores (direct or transitive, from each project's
# obj/project.assets.json) carries a copyleft (AGPL/GPL/LGPL/SSPL) or commercial-only licence, or a
# licence nobody has read. The licence comes from the package's nuspec in the NuGet cache (an SPDX
# expression); packages without one are looked up in scripts/licences.tsv, kept by hand.
# Needs a restored solution (run after `dotnet build`/`dotnet restore`).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import glob, json, os, re, sys

PERMISSIVE = {"MIT", "MIT-0", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "PostgreSQL", "MS-PL", "ISC",
              "Zlib", "0BSD", "Unlicense", "CC0-1.0", "BSL-1.0", "MPL-2.0"}
FORBIDDEN = re.compile(r"(^|[^A-Z])(A?GPL|LGPL|SSPL|BUSL|Commercial|Proprietary)", re.I)

kept = {}
for line in open("scripts/licences.tsv", encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        package, licence, *_ = line.rstrip("\n").split("\t")
        kept[package.lower()] = licence

def allowed(expression):
    """An SPDX expression is fine when one of its OR alternatives is entirely permissive."""
    for alternative in re.split(r"\s+OR\s+", expression.strip("() ")):
        parts = [p.strip("() ") for p in re.split(r"\s+AND\s+", alternative)]
        if all(p.split(" WITH ")[0] in PERMISSIVE for p in parts):
            return True
    return False

packages = {}
for assets in sorted(glob.glob("src/*/obj/project.assets.json") + glob.glob("tests/*/obj/project.assets.json")):
    data = json.load(open(assets, encoding="utf-8"))
    folders = list(data.get("packageFolders", {}))
    for key, library in data["libraries"].items():
        if library.get("type") == "package":
            packages[key] = (folders, library.get("path", key.lower()))
if not packages:
    sys.exit("check-licences: no obj/project.assets.json found; restore the solution first")

problems = []
for key, (folders, path) in sorted(packages.items()):
    package_id, _ = key.split("/")
    nuspec = next((n for f in folders for n in glob.glob(os.path.join(f, path, "*.nuspec"))), None)
    text = open(nuspec, encoding="utf-8").read() if nuspec else ""
    match = re.search(r'<license\s+type="expression"[^>]*>([^<]+)</license>', text)
    licence = match.group(1).strip() if match else kept.get(package_id.lower())
    if licence is None:
        problems.append(f"{key}: no licence expression in its nuspec and not in scripts/licences.tsv (read it, then add it)")
    elif FORBIDDEN.search(licence) or not allowed(licence):
        problems.append(f"{key}: {licence} is not a permissive licence")

for problem in problems:
    print("check-licences: " + problem, file=sys.stderr)
print(f"licences: {len(packages)} packages checked, {len(problems)} not allowed")
sys.exit(1 if problems else 0)
PY
