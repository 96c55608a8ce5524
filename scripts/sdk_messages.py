#!/usr/bin/env python3
"""Checks that the official Python SDK's Messages surface works against a server speaking /v1/messages.

With anthropic==0.125.0 against --base-url, at temperature 0: `client.messages.create(...)`, the same request through
`client.messages.stream(...)` (its text stream and final message), `client.models.list()`, and the SDK's error classes
for a wrong key (AuthenticationError) and a malformed request (BadRequestError), and the same answer with only an
`auth_token` (Bearer). With --expect-error CLASS, only that
`client.messages.create(...)` (max_retries=0) raises exactly that class (and, with --expect-status N, that status),
e.g. OverloadedError through `turns-fault-proxy --force overloaded`; with --bedrock the client is
`AnthropicBedrock(api_key=…)`, whose status-to-class mapping differs (lib/bedrock/_client.py). Prints one JSON object
and exits non-zero on any problem. The API key comes from ANTHROPIC_API_KEY and is never printed.

  python3 scripts/sdk_messages.py --base-url http://127.0.0.1:PORT [--message TEXT] [--max-tokens N]
                                  [--model NAME] [--expect-file PATH] [--expect-error CLASS [--expect-status N] [--bedrock]]

--expect-file compares the answer's text with a file's content (one trailing newline ignored), e.g. the output of
`turns --print --api messages --temperature 0 ...` for the same message.

Exit codes: 0 all checks hold; 1 a mismatch; 2 usage or the SDK is missing; 3 the SDK raised an unexpected error.
"""

import argparse
import json
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description="The SDK's Messages calls against a server.")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--message", default="Hello")
    parser.add_argument("--model", default="claude-sonnet-4-5")
    parser.add_argument("--max-tokens", type=int, default=60)
    parser.add_argument("--expect-file")
    parser.add_argument("--expect-error")
    parser.add_argument("--expect-status", type=int)
    parser.add_argument("--bedrock", action="store_true")
    args = parser.parse_args()
    try:
        import anthropic
    except ImportError:
        print("the anthropic SDK is not installed", file=sys.stderr)
        return 2
    if not os.environ.get("ANTHROPIC_API_KEY"):
        print("ANTHROPIC_API_KEY must be set", file=sys.stderr)
        return 2

    client = anthropic.Anthropic(base_url=args.base_url, max_retries=0, timeout=60)
    request = dict(model=args.model, max_tokens=args.max_tokens, temperature=0,
                   messages=[{"role": "user", "content": args.message}])
    problems = []
    if args.expect_error:
        if args.bedrock:
            client = anthropic.AnthropicBedrock(api_key=os.environ["ANTHROPIC_API_KEY"], aws_region="us-east-1",
                                                base_url=args.base_url, max_retries=0, timeout=60)
        try:
            client.messages.create(**request)
            problems.append("no error raised")
        except anthropic.APIError as error:
            if type(error).__name__ != args.expect_error:
                problems.append(f"{type(error).__name__}, not {args.expect_error}")
            if args.expect_status is not None and getattr(error, "status_code", None) != args.expect_status:
                problems.append(f"status {getattr(error, 'status_code', None)}, not {args.expect_status}")
            print(json.dumps({"error": type(error).__name__, "status": getattr(error, "status_code", None),
                              "type": getattr(error, "type", None), "problems": problems}), flush=True)
        return 1 if problems else 0
    try:
        message = client.messages.create(**request)
        if not isinstance(message, anthropic.types.Message):
            problems.append(f"create returned {type(message).__name__}, not Message")
        text = "".join(block.text for block in message.content if block.type == "text")
        with client.messages.stream(**request) as stream:
            streamed = "".join(stream.text_stream)
            final = stream.get_final_message()
        models = [model.id for model in client.models.list()]
    except anthropic.APIError as error:
        print(json.dumps({"error": type(error).__name__, "message": str(error)}), flush=True)
        return 3

    if streamed != text:
        problems.append("the streamed text differs from create's")
    if "".join(block.text for block in final.content if block.type == "text") != text:
        problems.append("the stream's final message differs from create's")
    if final.stop_reason != message.stop_reason or message.stop_reason not in ("end_turn", "max_tokens", "stop_sequence"):
        problems.append(f"stop reasons: create {message.stop_reason!r}, stream {final.stop_reason!r}")
    if not message.usage.input_tokens or not message.usage.output_tokens:
        problems.append(f"usage not counted: {message.usage}")
    if not models:
        problems.append("models.list() listed nothing")
    if args.expect_file:
        with open(args.expect_file, encoding="utf-8") as file:
            expected = file.read()
        if expected.endswith("\n"):
            expected = expected[:-1]
        if text != expected:
            problems.append(f"the text differs from {args.expect_file}")

    # auth_token alone sends only `Authorization: Bearer` (anthropic 0.125.0 _client.py:215-226, 358-379).
    bearer = anthropic.Anthropic(base_url=args.base_url, auth_token=os.environ["ANTHROPIC_API_KEY"], max_retries=0, timeout=60)
    try:
        answer = bearer.messages.create(**request)
        if "".join(block.text for block in answer.content if block.type == "text") != text:
            problems.append("auth_token: the answer differs from create's")
    except anthropic.APIError as error:
        problems.append(f"auth_token: {type(error).__name__}")

    wrong_key = anthropic.Anthropic(base_url=args.base_url, api_key="wrong-key", max_retries=0, timeout=60)
    for name, call, expected_class in [
        ("wrong key", lambda: wrong_key.messages.create(**request), anthropic.AuthenticationError),
        ("no messages", lambda: client.messages.create(**dict(request, messages=[])), anthropic.BadRequestError),
    ]:
        try:
            call()
            problems.append(f"{name}: no error raised")
        except anthropic.APIError as error:
            if not isinstance(error, expected_class):
                problems.append(f"{name}: {type(error).__name__}, not {expected_class.__name__}")

    print(json.dumps({"text": text, "stop_reason": message.stop_reason, "models": models,
                      "usage": [message.usage.input_tokens, message.usage.output_tokens], "problems": problems},
                     ensure_ascii=False), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
