"""Write the Python files of every corpus app (apps.yaml) at its pinned commit, from git mirrors.

    python bench/realworld/materialise.py --mirrors DIR --out DIR [--apps FILE] [--app NAME ...]

DIR holds one git clone (bare or not) per app: DIR/<owner>+<name>/repo (the layout the search
tool's fetch leaves), DIR/<owner>+<name> or DIR/<name>. Only ``*.py`` files are written: that is
all the analysis reads, and a mirror may lack large data files. An app whose mirror or commit is
missing is named and skipped; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
APPS_FILE = HERE / "apps.yaml"


@dataclass(frozen=True)
class App:
    name: str
    repo: str
    commit: str
    source_roots: tuple[str, ...]


def load_apps(path: Path = APPS_FILE) -> list[App]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        App(name, entry["repo"], entry["commit"], tuple(entry.get("source-roots", ["."])))
        for name, entry in data["apps"].items()
    ]


def find_mirror(mirrors: Path, app: App) -> Path | None:
    owner, name = app.repo.split("/")
    for candidate in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}", mirrors / name, mirrors / app.name):
        if candidate.is_dir():
            return candidate
    return None


def _git(mirror: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(mirror), *args], input=data, capture_output=True, check=True
    ).stdout


def materialise(mirror: Path, commit: str, out: Path) -> int:
    """Write the ``*.py`` blobs of ``commit`` under ``out``; return how many were written."""
    listing = _git(mirror, "ls-tree", "-r", "-z", commit).split(b"\0")
    wanted: list[tuple[str, str]] = []
    for row in listing:
        if not row:
            continue
        meta, _, path = row.partition(b"\t")
        mode, kind, sha = meta.split()
        name = path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and name.endswith(".py"):
            wanted.append((sha.decode(), name))
    batch = _git(mirror, "cat-file", "--batch", data="".join(f"{sha}\n" for sha, _ in wanted).encode())
    pos = 0
    written = 0
    for sha, name in wanted:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[pos : pos + size])
        pos += size + 1
        written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--apps", type=Path, default=APPS_FILE, help="the corpus list (default: apps.yaml here)")
    parser.add_argument("--app", action="append", help="only this app (repeatable)")
    args = parser.parse_args(argv)
    status = 0
    for app in load_apps(args.apps):
        if args.app and app.name not in args.app:
            continue
        mirror = find_mirror(args.mirrors, app)
        if mirror is None:
            print(f"{app.name}: no mirror of {app.repo} under {args.mirrors}; skipped", file=sys.stderr)
            status = 1
            continue
        target = args.out / app.name
        if (target / ".commit").is_file() and (target / ".commit").read_text().strip() == app.commit:
            print(f"{app.name}: already at {app.commit[:12]}")
            continue
        try:
            count = materialise(mirror, app.commit, target)
        except subprocess.CalledProcessError as exc:
            print(f"{app.name}: git failed in {mirror} ({exc.stderr.decode(errors='replace').strip()}); skipped",
                  file=sys.stderr)
            status = 1
            continue
        (target / ".commit").write_text(app.commit + "\n")
        print(f"{app.name}: {count} Python files at {app.commit[:12]} in {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
