"""Benchmark the language server (`lint-privacy lsp`) against the issue's targets, and check that
it never drifts from `lint-privacy check`.

    python bench/lsp.py --path /tmp/corpus-100k [--edits 20] [--files a.py,b.py] [--idle 0] [--json out.json]

On a project whose cache is warm (it runs `lint-privacy check` first), it starts the server over
stdio, opens ``--files`` (default: the services, models, views and tasks of one app) and
measures:

- start: from launching the server to the first diagnostics of the first file opened;
- edit: for each of ``--edits`` edits (the edits of tests/test_editor_scope.py in turn: a comment
  appended, a function logging a field added, a call into another module added, a function
  deleted; the files in turn), from sending the change to receiving the edited file's
  diagnostics, with the debounce set to 0 (an editor adds its debounce, 0.3 s by default: time
  waiting for typing to stop, not work); median, p95 and max, and the first apart: the server
  builds the lineage every later edit updates either when it has been quiet for a second after
  the files opened or at the first edit; ``--idle S`` waits S seconds before the first edit (a
  user reading the file first);
- memory: the server's peak RSS (VmHWM) and its PSS at the end;
- drift: after each edit the edited text is written to the file and `lint-privacy check` run;
  every open file's diagnostics must be what it reports (code, line, message). The files are
  restored at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from test_editor_scope import EDITS  # noqa: E402  the edits whose scoped judgement is tested equal

PY = sys.executable
CLI = [PY, "-m", "lint_privacy.cli"]
DEFAULT_FILES = ("app/loyalty_002/services.py", "app/loyalty_002/models.py", "app/loyalty_002/views.py",
                 "app/loyalty_002/tasks.py")


def memory(pid: int) -> tuple[float, float]:
    """(peak RSS, PSS now) of a process, in MB."""
    peak = pss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
    except OSError:
        pss = peak
    return peak, pss


def check(root: Path) -> dict[str, list[tuple[str, int, str]]]:
    out = subprocess.run([*CLI, "check", "-q", "--format", "json", "."], cwd=root, capture_output=True, text=True)
    found: dict[str, list[tuple[str, int, str]]] = {}
    for f in json.loads(out.stdout)["findings"]:
        found.setdefault(f["path"], []).append((f["code"], f["line"], f["message"]))
    return {p: sorted(v) for p, v in found.items()}


def shown(diags: list[t.Diagnostic]) -> list[tuple[str, int, str]]:
    return sorted((str(d.code), d.range.start.line + 1, d.message) for d in diags)


async def bench(root: Path, files: list[str], edits: int, verify: bool, idle: float) -> dict[str, object]:
    client = LanguageClient("lint-privacy-bench", "1")
    got: dict[str, list[t.Diagnostic]] = {}
    arrived: dict[str, asyncio.Event] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(ls: LanguageClient, params: t.PublishDiagnosticsParams) -> None:
        got[params.uri] = list(params.diagnostics)
        arrived.setdefault(params.uri, asyncio.Event()).set()

    async def diagnostics_of(uri: str) -> float:
        await arrived.setdefault(uri, asyncio.Event()).wait()
        arrived[uri].clear()
        return time.perf_counter()

    uris = {rel: (root / rel).as_uri() for rel in files}
    texts = {rel: (root / rel).read_text(encoding="utf-8") for rel in files}
    originals = dict(texts)
    started = time.perf_counter()
    await client.start_io(*CLI, "lsp", cwd=str(root))
    pid = client._server.pid  # type: ignore[union-attr]
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=root.as_uri(),
                                                     initialization_options={"debounce": 0}))
    client.initialized(t.InitializedParams())
    for rel in files:
        client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uris[rel], "python", 1, texts[rel])))
    first = await diagnostics_of(uris[files[0]]) - started
    for rel in files[1:]:
        await diagnostics_of(uris[rel])
    await asyncio.sleep(idle)
    sources = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    latencies: list[float] = []
    drift: list[str] = []
    kinds = list(EDITS.items())
    try:
        for i in range(edits):
            rel = files[i % len(files)]
            name, edit = kinds[i % len(kinds)]
            new = edit(rel, texts[rel], sources) or texts[rel] + f"\n# edited {i}\n"
            texts[rel] = new
            arrived.setdefault(uris[rel], asyncio.Event()).clear()
            sent = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(version=i + 2, uri=uris[rel]), [t.TextDocumentContentChangeWholeDocument(new)]))
            latencies.append(await diagnostics_of(uris[rel]) - sent)
            # a round trip: every diagnostic of that judgement has arrived before its answer
            await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(uris[rel]), t.Position(0, 0)))
            print(f"edit {i + 1:2}: {rel} ({name}): {latencies[-1] * 1000:.0f} ms", file=sys.stderr)
            if verify:
                (root / rel).write_text(new, encoding="utf-8")
                cli = check(root)
                for other in files:
                    if shown(got.get(uris[other], [])) != cli.get(other, []):
                        drift.append(f"edit {i + 1} ({rel}, {name}): {other} differs from check")
        peak, pss = memory(pid)
    finally:
        for rel, text in originals.items():
            (root / rel).write_text(text, encoding="utf-8")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    ordered = sorted(latencies)
    return {
        "start_to_first_diagnostics_s": round(first, 3),
        "edits": len(latencies),
        "edit_ms_median": round(statistics.median(latencies) * 1000),
        "edit_ms_p95": round(ordered[max(int(round(0.95 * len(ordered))) - 1, 0)] * 1000),
        "edit_ms_max": round(ordered[-1] * 1000),
        "edit_ms_first": round(latencies[0] * 1000),
        "idle_before_first_edit_s": idle,
        "edit_ms_all": [round(x * 1000) for x in latencies],
        "server_peak_rss_mb": round(peak),
        "server_pss_mb": round(pss),
        "drift": drift if verify else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", required=True, type=Path, help="a project with a policy configured (bench/make_corpus.py)")
    parser.add_argument("--files", default=",".join(DEFAULT_FILES))
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-verify", action="store_true", help="skip the comparison with `lint-privacy check`")
    parser.add_argument("--idle", type=float, default=0.0,
                        help="seconds to wait between opening the files and the first edit")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root = args.path.resolve()
    compileall.compile_dir(str(REPO / "lint_privacy"), quiet=1)
    subprocess.run([*CLI, "check", "-q", "."], cwd=root, capture_output=True)  # the cache warm, as a user's would be
    files = [f for f in args.files.split(",") if f]
    result = asyncio.run(bench(root, files, args.edits, not args.no_verify, args.idle))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if result["drift"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
