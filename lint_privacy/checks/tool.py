"""PRV0xx: the tool could not do its job here — never a silent skip."""

from __future__ import annotations

from ..findings import Rule
from .base import register

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
    template="this file was not analysed: {reason}; its personal data, flows and findings are unknown",
    what="""A Python file of the project that could not be read or parsed: a syntax error, bytes that
are not valid in its encoding, nesting deeper than the analysis can follow, or a file that
disappeared during the run.""",
    why="""A file that is skipped silently looks covered. The CLI reports it and exits 2 (the run
cannot be trusted); flake8 reports syntax errors itself as E999.""",
    example="""def broken(:
    pass""",
    fix="""Fix the file (or exclude it in `[tool.lint-privacy] extend-exclude` if it is not code).""",
)
PRV003 = Rule(
    code="PRV003",
    name="unresolved-destination",
    summary="Personal data goes to a destination (URL, host, region) the analysis could not resolve.",
    template="{data} goes to a destination that cannot be resolved here ({why}); say where it goes: # privacy: recipient=... country=..",
    what="""A call that sends personal data somewhere whose address is only known at run time: a URL
read from the environment, a cloud client whose region comes from configuration, a mail host
from an unknown setting.""",
    why="""Recipient and transfer checks cannot judge a destination they cannot see; saying so is
better than skipping it.""",
    example="""requests.post(os.environ["CRM_URL"], json={"email": user.email})""",
    fix="""Annotate the call with what the destination is: `# privacy: recipient=salesforce country=US
safeguard=scc`, or make the URL/region a constant in code or settings.""",
)
register(PRV001, PRV002, PRV003)
