#!/usr/bin/env python3
"""Consumer (c) of scripts/bench-stream: what a user would otherwise write with the official SDK.

Streams one completion with anthropic==0.125.0 (`client.completions.create(stream=True)`) and writes each piece to
stdout as it arrives (the benchmark sends stdout to /dev/null, or to a file to check it is the same answer).

  ANTHROPIC_API_KEY=any python3 scripts/bench-sdk.py --base-url URL --max-tokens N [--message TEXT]
"""

import argparse
import sys

import anthropic


def main() -> int:
    parser = argparse.ArgumentParser(description="Stream one completion with the official SDK to stdout.")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--max-tokens", type=int, required=True)
    parser.add_argument("--message", default="Hello")
    parser.add_argument("--model", default="claude-2.1")
    args = parser.parse_args()

    client = anthropic.Anthropic(base_url=args.base_url, max_retries=0, timeout=600)
    prompt = f"{anthropic.HUMAN_PROMPT} {args.message}{anthropic.AI_PROMPT}"
    out = sys.stdout
    stop_reason = None
    with client.completions.create(model=args.model, prompt=prompt, max_tokens_to_sample=args.max_tokens,
                                   stream=True) as stream:
        for event in stream:
            out.write(event.completion)
            if event.stop_reason is not None:
                stop_reason = event.stop_reason
    out.write("\n")
    out.flush()
    if stop_reason is None:
        print("bench-sdk: the stream ended without a stop_reason", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
