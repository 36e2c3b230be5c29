"""PRV0xx: the tool could not do its job here — never a silent skip. (PRV003, a destination that
cannot be resolved, is declared where it is found: checks/recipients.py.)"""

from __future__ import annotations

from collections.abc import Iterator

from ..annotations import parse_comment
from ..errors import NOT_ANALYSED, NOT_ANALYSED_REASON
from ..findings import Finding, Rule
from ..lineage.nodes import field_node
from .base import Context, finding, register

PRV001 = Rule(
    code="PRV001",
    name="policy-unusable",
    summary="The policy file is missing or invalid; nothing could be judged.",
    template="the policy cannot be used: {problem}",
    what="""The policy named by `--privacy-policy` / `--policy` / `[tool.lint-privacy] policy` is
missing, is not valid YAML, or breaks the policy format (unknown key, wrong type, a reference to a
category that does not exist, ...). Every problem is listed with file, line and column.""",
    why="""Without a valid policy no finding can be trusted, so the run stops (flake8) or exits 2 (CLI).""",
    example="""flake8 --extend-select PRV --privacy-policy policies/missing.yaml src/""",
    fix="""Point the option at the policy file and fix what `lint-privacy policy validate FILE` reports.""",
)
PRV002 = Rule(
    code="PRV002",
    name="file-not-analysed",
    summary="A file of the project could not be analysed.",
    template=NOT_ANALYSED,
    reason=NOT_ANALYSED_REASON,
    what="""A Python file of the project that could not be read or parsed: a syntax error, bytes that
are not valid in its encoding (as Python itself refuses them: `python FILE` fails), nesting deeper
than the analysis can follow, or a file that disappeared during the run. Also a file that is not
read at all, and the message says which: not a regular file (a FIFO, a socket, a device), a
symbolic link out of the project, or larger than `[tool.lint-privacy] max-file-size` (default
4 MiB). And a file one of the checks failed on with an internal error: its other findings are
reported, the failed check's are unknown. A test or example file (the `tests` and `examples`
globs) that cannot be analysed is no finding unless those settings judge it: no production finding
depends on that code (a fixture may be broken on purpose); the CLI's summary names it
(`tests_not_analysed` in JSON).""",
    why="""A file that is skipped silently looks covered. The CLI reports it and exits 2 (the run
cannot be trusted); flake8 reports syntax errors itself as E999. A FIFO never ends a read and
`/dev/zero` never stops giving bytes: such a file is named, not read, and the run goes on.""",
    example="""def broken(:
    pass""",
    fix="""Fix the file (or exclude it in `[tool.lint-privacy] extend-exclude` if it is not code). When
the line looks like syntax of a newer Python than the one running lint-privacy (type parameters of
3.12, `except A, B:` of 3.14), the message says so: install lint-privacy under the Python the project
runs on.""",
)
PRV004 = Rule(
    code="PRV004",
    name="setting-matches-nothing",
    summary="A setting that annotates code (a model the project does not own) matches nothing, or cannot be read.",
    template="models entry \"{field}\": {problem}",
    reason="an entry of [tool.lint-privacy.models]; {detail}",
    what="""An entry of `[tool.lint-privacy.models]` (the annotation of a field of a model the
project does not own, such as Django's `User`) whose field is never read in the project, whose
model the catalog does not know, or whose annotation breaks the grammar.""",
    why="""What the user writes must never vanish: an annotation that applies to nothing looks
like a decision about personal data that in fact decides nothing (a misspelt field, a model of
another framework).""",
    example='''[tool.lint-privacy.models]
"django.contrib.auth.models.User.emial" = "account_user_data retention=12mo"''',
    fix="""Name a field the project reads (`django.contrib.auth.models.User.email`), of a model in the
catalog's `models` (docs/catalog.md), or remove the entry; write the annotation as on a field.""",
)
register(PRV001, PRV002, PRV004)


def check(ctx: Context) -> Iterator[Finding]:
    """PRV004: the entries of ``[tool.lint-privacy.models]`` that annotate nothing."""
    if not ctx.config.models:
        return
    from .flows import lineage

    used = lineage(ctx).model_fields
    pyproject = ctx.config.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    lines = text.splitlines()
    for qualified, written in ctx.config.models:
        line = next((i for i, t in enumerate(lines, 1) if t.lstrip().startswith(f'"{qualified}"')), 1)
        detail = ""
        model = qualified.rpartition(".")[0]
        ann = parse_comment(f"# privacy: {written}", line, 0, "definition")
        if ann.problems:
            problem, detail = "the annotation cannot be read", "; ".join(p.message for p in ann.problems)
        elif model not in ctx.catalog.names.models:
            problem = f"the catalog knows no model {model}"
            detail = f"its models: {', '.join(sorted(ctx.catalog.names.models))}"
        elif field_node(qualified) not in used:
            problem, detail = ("no code of the project reads this field",
                               "so the annotation applies to nothing")
        else:
            continue
        yield finding(PRV004, "pyproject.toml", line, 0, field=qualified, problem=problem, detail=detail)
