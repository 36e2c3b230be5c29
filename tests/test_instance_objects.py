"""A client an instance keeps (``self.llm = self.get_llm()``, ``self.s3 = boto3.client(...)``) is
what its methods made it: calls on it are that library's calls, its destination is read from
their constructors, and what it returns is the server's reply, not what was sent to it."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

CLIENT = '''
    import logging

    import boto3

    log = logging.getLogger(__name__)


    class Classifier:
        def __init__(self, settings):
            self.settings = settings
            self.s3 = boto3.client("s3", region_name="us-east-1")
            self.llm = self.get_llm()
            self.local = self.get_local()

        def get_llm(self):
            if self.settings.backend == "ollama":
                from llama_index.llms.ollama import Ollama

                return Ollama(model="llama3", base_url=self.settings.endpoint)
            from llama_index.llms.openai_like import OpenAILike

            return OpenAILike(model="gpt", api_base=self.settings.endpoint, api_key=self.settings.key)

        def get_local(self):
            from llama_index.llms.ollama import Ollama

            return Ollama(model="llama3", base_url="http://localhost:11434")

        def get_self(self):
            return self.get_self().child()

        @property
        def rpc(self):
            return self.rpc.child()

        def classify(self, user):
            prompt = f"Which folder for the letter of {user.email}?"
            reply = self.llm.complete(prompt)  # L:llm
            log.info("reply: %s", reply)  # L:reply
            self.local.complete(prompt)  # L:local
            self.s3.put_object(Bucket="letters", Key="k", Body=user.email, Expires=3600)  # L:s3
            self.get_self().send(user.email)  # L:loop
            self.rpc.send(user.email)  # L:property loop
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    files = {"app/__init__.py": "", "app/classify.py": CLIENT}
    return check(tmp_path_factory.mktemp("instance"), files)


def test_a_model_a_method_returns_is_a_sink_whose_endpoint_is_configured(run: Run) -> None:
    hit = run.one("app/classify.py", line_of(CLIENT, "# L:llm"), "PRV003")
    assert hit.message.startswith("unannotated email (user.email) goes to a destination that cannot be resolved"), hit
    assert "computed at run time" in hit.text, hit.text


def test_the_reply_of_the_model_is_not_the_prompt(run: Run) -> None:
    assert run.at("app/classify.py", line_of(CLIENT, "# L:reply")) == [], run.stdout


def test_the_endpoint_the_method_constructs_with_is_the_destination(run: Run) -> None:
    # base_url names localhost: an internal host, nothing leaves
    assert run.at("app/classify.py", line_of(CLIENT, "# L:local")) == [], run.stdout


def test_a_client_set_in_init_is_located_by_its_constructor(run: Run) -> None:
    hit = run.one("app/classify.py", line_of(CLIENT, "# L:s3"), "PRV4")
    assert "US" in hit.message and "us-east-1" in hit.text, hit.text
    assert run.at("app/classify.py", line_of(CLIENT, "# L:s3"), "PRV003") == [], run.stdout


def test_a_method_or_property_returning_itself_is_analysed_without_error(run: Run) -> None:
    assert run.returncode in (0, 1) and "PRV002" not in run.stdout, run.stdout + run.stderr
