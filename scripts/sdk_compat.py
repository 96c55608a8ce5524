#!/usr/bin/env python3
"""Checks that the official Python SDK accepts what a /v1/complete server sends.

Uses anthropic==0.125.0 (the last release with the completions resource) against --base-url: one
`client.completions.create(...)` and the same request with `stream=True`, both at temperature 0. Prints one JSON
object with both texts and stop reasons, and exits non-zero when the SDK fails, when a result is not the SDK's
`Completion` type, or when the streamed text or stop reason differs from the non-streamed one.

The API key comes from ANTHROPIC_API_KEY (any value works for a server started without --api-key); it is never
printed.

  python3 scripts/sdk_compat.py --base-url http://127.0.0.1:PORT [--message TEXT] [--max-tokens N]
                                [--model NAME] [--expect-file PATH]

--expect-file compares the non-streamed text with a file's content (one trailing newline ignored), e.g. the
output of `turns --print --temperature 0 ...` for the same message.

Exit codes: 0 all equal; 1 a mismatch; 2 usage or the SDK is missing; 3 the SDK raised an error.
"""

import argparse
import json
import os
import sys

SDK_VERSION = "0.125.0"


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare the SDK's streamed and non-streamed completions.")
    parser.add_argument("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--message", default="Hello", help="the Human turn's text (default: Hello)")
    parser.add_argument("--model", default="claude-2.1")
    parser.add_argument("--max-tokens", type=int, default=60)
    parser.add_argument("--expect-file", help="file whose content the non-streamed text must equal")
    args = parser.parse_args()

    try:
        import anthropic
    except ImportError:
        print(f"the anthropic SDK is not installed: pip install anthropic=={SDK_VERSION}", file=sys.stderr)
        return 2
    if anthropic.__version__ != SDK_VERSION:
        print(f"warning: anthropic {anthropic.__version__} is installed; this check is written for {SDK_VERSION}",
              file=sys.stderr)
    if not os.environ.get("ANTHROPIC_API_KEY"):
        print("ANTHROPIC_API_KEY must be set (any value for a server without --api-key)", file=sys.stderr)
        return 2

    client = anthropic.Anthropic(base_url=args.base_url, max_retries=0, timeout=60)
    prompt = f"{anthropic.HUMAN_PROMPT} {args.message}{anthropic.AI_PROMPT}"
    request = dict(model=args.model, prompt=prompt, max_tokens_to_sample=args.max_tokens, temperature=0)

    problems = []
    try:
        completion = client.completions.create(**request)
        if not isinstance(completion, anthropic.types.Completion):
            problems.append(f"non-streamed result is {type(completion).__name__}, not Completion")

        pieces = []
        stream_stop_reason = None
        events = 0
        with client.completions.create(stream=True, **request) as stream:
            for event in stream:
                events += 1
                if not isinstance(event, anthropic.types.Completion):
                    problems.append(f"streamed event is {type(event).__name__}, not Completion")
                pieces.append(event.completion)
                if event.stop_reason is not None:
                    stream_stop_reason = event.stop_reason
    except anthropic.APIError as error:
        print(json.dumps({"error": type(error).__name__, "message": str(error)}), flush=True)
        return 3

    streamed = "".join(pieces)
    if streamed != completion.completion:
        problems.append("streamed text differs from the non-streamed text")
    if stream_stop_reason != completion.stop_reason:
        problems.append(f"stop reasons differ: stream {stream_stop_reason!r}, body {completion.stop_reason!r}")
    if completion.stop_reason not in ("stop_sequence", "max_tokens"):
        problems.append(f"unexpected stop_reason {completion.stop_reason!r}")
    if args.expect_file:
        with open(args.expect_file, encoding="utf-8") as file:
            expected = file.read()
        if expected.endswith("\n"):
            expected = expected[:-1]
        if completion.completion != expected:
            problems.append(f"non-streamed text differs from {args.expect_file}")

    print(json.dumps({
        "sdk_version": anthropic.__version__,
        "completion": completion.completion,
        "stop_reason": completion.stop_reason,
        "streamed_completion": streamed,
        "streamed_stop_reason": stream_stop_reason,
        "streamed_events": events,
        "problems": problems,
    }, ensure_ascii=False), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
