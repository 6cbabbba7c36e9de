"""The request and response examples of the Markdown reference, read from copies in quipu_api_docs/.

The examples are written for people: they carry "..." placeholders, missing commas, unquoted keys and
trailing commas. ``repair_json`` fixes exactly those, so the requests can be replayed as written.
"""

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

DOCS = Path(__file__).with_name("quipu_api_docs")
HOST = "https://getquipu.com"


@dataclass
class Example:
    source: str  # file:line
    method: str
    path: str
    body: dict | None = None
    form: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    content_type: str | None = None
    response: str | None = None  # the first example response that follows, as written
    documented_status: int | None = None

    @property
    def id(self) -> str:
        return f"{self.source} {self.method} {self.path}"


def repair_json(text: str) -> str:
    lines = [line for line in text.splitlines() if not re.match(r"^\s*\.\.\.", line)]
    text = "\n".join(lines)
    text = re.sub(r'"(\w+)"\s+\{', r'"\1": {', text)  # "data" {  ->  "data": {
    text = re.sub(r"^(\s*)([A-Za-z_]+):", r'\1"\2":', text, flags=re.M)  # meta: -> "meta":
    text = re.sub(r'(["\d\]}]|true|false|null)(\s*\n\s*)(["{\[])', r"\1,\2\3", text)  # missing commas
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # trailing commas
    return text


def _code_blocks(text: str):
    for match in re.finditer(r"```shell\n(.*?)```", text, flags=re.S):
        line = text.count("\n", 0, match.start()) + 1
        preceding = text[max(0, match.start() - 200) : match.start()]
        yield line, match.group(1), preceding


def _parse_curl(block: str) -> tuple[str, str, dict | None, dict, dict, str | None]:
    command = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#"))
    command = command.replace("\\\n", " ").rstrip().rstrip("\\")
    tokens = shlex.split(command)
    url = next(t for t in tokens if t.startswith(HOST))
    method, body, form, files, content_type = None, None, {}, {}, None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        value = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "-X":
            method = value
        elif token == "-H" and value.lower().startswith("content-type:"):
            content_type = value.split(":", 1)[1].strip()
        elif token == "-d":
            if value.lstrip().startswith("{"):
                body = json.loads(repair_json(value))
            else:
                key, _, field_value = value.partition("=")
                form[key] = field_value
        elif token == "-F":
            key, _, field_value = value.partition("=")
            if field_value.startswith("@"):
                files[key] = field_value[1:]
            else:
                form[key] = field_value
        index += 1
    if method is None:
        method = "POST" if body is not None or form or files else "GET"
    return method, url[len(HOST) :] or "/", body, form, files, content_type


def load_examples() -> list[Example]:
    examples: list[Example] = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        current: Example | None = None
        for line, block, preceding in _code_blocks(text):
            if "curl " in block:
                method, url, body, form, files, content_type = _parse_curl(block)
                current = Example(f"{path.name}:{line}", method, url, body, form, files, content_type)
                examples.append(current)
            elif current is not None and current.response is None and "Example response" in preceding:
                current.response = block
                status = re.search(r"status:?\s*(\d{3})", preceding.rsplit("Example response", 1)[-1])
                current.documented_status = int(status.group(1)) if status else None
    return examples


def example_keys(response_text: str) -> set[str]:
    return set(re.findall(r'"(\w+)"\s*:', response_text)) | set(
        re.findall(r"^\s*(\w+)\s*:", response_text, re.M)
    )


def example_types(response_text: str) -> set[str]:
    return set(re.findall(r'"type"\s*:\s*"(\w+)"', response_text))


def example_data_is_list(response_text: str) -> bool | None:
    match = re.search(r'"data"\s*:\s*([\[{])', response_text)
    return None if match is None else match.group(1) == "["
