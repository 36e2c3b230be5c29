"""The shortcuts extraction takes for speed find what the plain way finds.

- Comments: before 3.12 a regex that steps over strings stands in for tokenize (pure Python
  there, and most of the cost of extracting a commented file); it must find the same comment
  tokens, at the same places.
- Walks: ``child_nodes`` and ``walk`` leave out the fields that hold no node any pass looks at;
  otherwise they visit what ``ast.iter_child_nodes`` and ``ast.walk`` visit, in the same order
  (the first of several facts is kept, so order is output).
"""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path

import pytest

from lint_privacy.extract.comments import _scan_comments, _tokenize_comments, read_comments
from lint_privacy.extract.flows import child_nodes, walk

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*(REPO / "lint_privacy").rglob("*.py"), *(REPO / "examples").rglob("*.py")])
SCANS = sys.version_info < (3, 12)

TRICKY = {
    "inline": "x = 1  # privacy: account_user_data\n",
    "alone": "def f():\n    # privacy: recipient=crm\n    return 1\n",
    "hash in strings": "a = '# no'\nb = \"# no\"  # yes\nc = f'{a} # no'  # yes 2\n",
    "prefixes": "a = rb'#'  # 1\nb = Rb\"#\"  # 2\nc = BR'x#'  # 3\nd = rf'{a}#'  # 4\ne = u'#'  # 5\n",
    "escaped quotes": "a = 'it\\'s # no'  # yes\nb = \"say \\\"# no\\\"\"  # yes\n",
    "raw escaped quote": "a = r'\\'# no'  # yes\n",
    "continued string": "a = 'one \\\n# no two'  # yes\n",
    "continued string crlf": "a = 'one \\\r\n# no two'  # yes\r\n",
    "triple": 's = """one\n# no\n"two" \'# no\'\n"""  # yes\n',
    "triple single": "s = '''one\n# no '' ' \n'''  # yes\n",
    "triple with escapes": 's = """a \\""" # no\n"""  # yes\n',
    "after a multi-line string": 'x = f("""a\nb""")  # privacy: c\n',
    "in brackets": "x = [\n    1,  # one\n    # alone in brackets\n    2,\n]\n",
    "line continuation": "x = 1 + \\\n    2  # after\n",
    "crlf": "x = 1  # one\r\n# two\r\ny = 2\r\n",
    "non-ascii": "s = 'ééé'  # privacy: c\nt = '日本'  # noqa: PRV001 reason\n",
    "tabs and form feed": "if x:\n\ty = 1\t# tab\n\x0c# after form feed\n",
    "empty comment": "x = 1  #\n#\n",
    "no final newline": "x = 1\n# privacy: last",
    "quotes in comments": "x = 1  # it's \"quoted\" '''\ny = 2  # \"\"\"\n",
    "nested quotes": "a = \"'\"  # 1\nb = '\"'  # 2\nc = \"\"\"'''\"\"\"  # 3\nd = ''  # 4\ne = \"\"  # 5\n",
    "empty triple": "a = ''''''  # 1\nb = \"\"\"\"\"\"  # 2\n",
    "adjacent strings": "x = ('a'  # one\n     'b')  # two\n",
    "decorated": "@deco  # privacy: x\ndef f(a,  # privacy: y\n      b):\n    pass\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_comment_scanner_finds_what_tokenize_finds(name: str) -> None:
    source = TRICKY[name]
    ast.parse(source)  # the scanner only ever sees sources that parse
    scanned = _scan_comments(source)
    if not SCANS:
        assert scanned is None
        return
    assert scanned == _tokenize_comments(source)
    assert scanned, "every case has comments"


def test_a_lone_carriage_return_is_left_to_tokenize() -> None:
    source = "x = 1  # privacy: a\ry = 2  # privacy: b\n"
    assert _scan_comments(source) is None
    by_line = {line: (col, text) for line, col, text, _ in _tokenize_comments(source)}
    found = read_comments(source)
    assert {c.line: (c.column, c.text) for c in found.privacy.values()} == by_line


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_comment_scanner_on_real_files(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    if SCANS:
        assert _scan_comments(source) == _tokenize_comments(source)


FRAGMENTS = ["#", "# privacy: x", "'", '"', "'''", '"""', "\\", "\\\n", "\r\n", "\n", "\t", "\x0c", " ", "f'", "rb'", "é"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")  # mutated escapes ("\\e")
def test_comment_scanner_on_mutated_files() -> None:
    """Insert quotes, hashes, backslashes and line breaks at random places; whatever still
    parses must scan as it tokenizes."""
    if not SCANS:
        pytest.skip("from 3.12 tokenize serves alone")
    rng = random.Random(20240611)
    sources = [p.read_text(encoding="utf-8") for p in FILES[:40]]
    tried = 0
    for _ in range(3000):
        source = rng.choice(sources)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(source) + 1)
            source = source[:at] + rng.choice(FRAGMENTS) + source[at:]
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        tried += 1
        scanned = _scan_comments(source)
        if scanned is not None:
            assert scanned == _tokenize_comments(source)
    assert tried > 100


_SINGLETONS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_walks_visit_what_ast_visits(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _SINGLETONS)]
        assert [c for c in child_nodes(node) if c is not None] == expected
    assert list(walk(tree)) == [n for n in ast.walk(tree) if not isinstance(n, _SINGLETONS)]
