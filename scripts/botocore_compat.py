#!/usr/bin/env python3
"""Checks that botocore, AWS's own Python client, accepts what a Bedrock Runtime server sends.

A `bedrock-runtime` client with `endpoint_url` at the server, region us-east-1, signing with the keys in
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never printed), makes one `invoke_model` and one
`invoke_model_with_response_stream` call with the same Claude text-completion body at temperature 0. Prints one JSON
object with both texts and stop reasons, and exits non-zero when botocore fails, when the streamed chunks do not
decode into the non-streamed text and stop reason, or when the text differs from --expect-file.

With --expect-403 it checks the opposite: both calls must fail with a botocore ClientError of HTTP status 403 (run it
with a wrong secret).

  python3 scripts/botocore_compat.py --endpoint-url http://127.0.0.1:PORT [--message TEXT] [--max-tokens N]
                                     [--model ID] [--expect-file PATH] [--expect-403]

--expect-file compares the non-streamed text with a file's content (one trailing newline ignored), e.g. the output
of `turns --print --backend bedrock --temperature 0 ...` for the same message.

Exit codes: 0 as expected; 1 a mismatch; 2 usage or botocore is missing; 3 botocore raised an unexpected error.
"""

import argparse
import json
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare botocore's streamed and non-streamed Bedrock completions.")
    parser.add_argument("--endpoint-url", required=True, help="server root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--message", default="Hello", help="the Human turn's text (default: Hello)")
    parser.add_argument("--model", default="anthropic.claude-v2:1")
    parser.add_argument("--max-tokens", type=int, default=60)
    parser.add_argument("--expect-file", help="file whose content the non-streamed text must equal")
    parser.add_argument("--expect-403", action="store_true", help="both calls must be refused with HTTP 403")
    parser.add_argument("--messages", action="store_true", help="send the Messages body (anthropic_version, messages)")
    args = parser.parse_args()

    try:
        import botocore
        import botocore.session
        from botocore.config import Config
        from botocore.exceptions import ClientError
    except ImportError:
        print("botocore is not installed: pip install botocore", file=sys.stderr)
        return 2
    key_id = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not key_id or not secret:
        print("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set", file=sys.stderr)
        return 2

    session = botocore.session.get_session()
    client = session.create_client(
        "bedrock-runtime", region_name="us-east-1", endpoint_url=args.endpoint_url,
        aws_access_key_id=key_id, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, read_timeout=60, connect_timeout=5))
    body = json.dumps({
        "prompt": f"\n\nHuman: {args.message}\n\nAssistant:",
        "max_tokens_to_sample": args.max_tokens,
        "temperature": 0,
    })

    if args.expect_403:
        return expect_refusal(client, args.model, body, ClientError, botocore.__version__)
    if args.messages:
        return check_messages(client, args, ClientError, botocore.__version__)

    problems = []
    try:
        response = client.invoke_model(modelId=args.model, body=body, contentType="application/json",
                                       accept="application/json")
        completion = json.loads(response["body"].read())

        pieces = []
        chunks = 0
        stream_stop_reason = None
        stream_stop = None
        metrics = None
        response = client.invoke_model_with_response_stream(modelId=args.model, body=body,
                                                            contentType="application/json", accept="application/json")
        for event in response["body"]:
            if "chunk" not in event:
                problems.append(f"unexpected stream event {sorted(event)}")
                continue
            chunks += 1
            piece = json.loads(event["chunk"]["bytes"])
            pieces.append(piece.get("completion", ""))
            if piece.get("stop_reason") is not None:
                stream_stop_reason = piece["stop_reason"]
                stream_stop = piece.get("stop")
                metrics = piece.get("amazon-bedrock-invocationMetrics")
    except ClientError as error:
        print(json.dumps({"error": error.response.get("Error", {}),
                          "status": error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")}), flush=True)
        return 3
    except botocore.exceptions.BotoCoreError as error:
        print(json.dumps({"error": type(error).__name__, "message": str(error)}), flush=True)
        return 3

    streamed = "".join(pieces)
    if set(completion) != {"completion", "stop_reason", "stop"}:
        problems.append(f"the invoke body has the keys {sorted(completion)}")
    if streamed != completion.get("completion"):
        problems.append("streamed text differs from the non-streamed text")
    if stream_stop_reason != completion.get("stop_reason") or stream_stop != completion.get("stop"):
        problems.append(f"stops differ: stream {stream_stop_reason!r}/{stream_stop!r}, "
                        f"body {completion.get('stop_reason')!r}/{completion.get('stop')!r}")
    if completion.get("stop_reason") not in ("stop_sequence", "max_tokens"):
        problems.append(f"unexpected stop_reason {completion.get('stop_reason')!r}")
    if not metrics or not isinstance(metrics.get("outputTokenCount"), int):
        problems.append("the last chunk has no amazon-bedrock-invocationMetrics")
    if chunks < 2:
        problems.append(f"only {chunks} chunk(s) streamed")
    if args.expect_file:
        with open(args.expect_file, encoding="utf-8") as file:
            expected = file.read()
        if expected.endswith("\n"):
            expected = expected[:-1]
        if completion.get("completion") != expected:
            problems.append(f"non-streamed text differs from {args.expect_file}")

    print(json.dumps({
        "botocore_version": botocore.__version__,
        "completion": completion.get("completion"),
        "stop_reason": completion.get("stop_reason"),
        "streamed_completion": streamed,
        "streamed_stop_reason": stream_stop_reason,
        "streamed_chunks": chunks,
        "problems": problems,
    }, ensure_ascii=False), flush=True)
    return 1 if problems else 0


def check_messages(client, args, client_error, version) -> int:
    """invoke_model and invoke_model_with_response_stream with a Messages body: the same text and stop reason, usage
    counted, the last chunk's invocation metrics, and the text of --expect-file."""
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": args.max_tokens, "temperature": 0,
                       "messages": [{"role": "user", "content": args.message}]})
    problems = []
    try:
        message = json.loads(client.invoke_model(modelId=args.model, body=body, contentType="application/json",
                                                 accept="application/json")["body"].read())
        pieces, stop_reason, metrics = [], None, None
        stream = client.invoke_model_with_response_stream(modelId=args.model, body=body, contentType="application/json")
        for event in stream["body"]:
            chunk = json.loads(event["chunk"]["bytes"])
            if chunk["type"] == "content_block_delta" and chunk["delta"]["type"] == "text_delta":
                pieces.append(chunk["delta"]["text"])
            elif chunk["type"] == "message_delta":
                stop_reason = chunk["delta"]["stop_reason"]
            elif chunk["type"] == "message_stop":
                metrics = chunk.get("amazon-bedrock-invocationMetrics")
    except client_error as error:
        print(json.dumps({"error": error.response.get("Error", {})}), flush=True)
        return 3
    text = "".join(block["text"] for block in message["content"] if block["type"] == "text")
    if "".join(pieces) != text:
        problems.append("streamed text differs from the non-streamed text")
    if stop_reason != message["stop_reason"]:
        problems.append(f"stop reasons differ: stream {stop_reason!r}, body {message['stop_reason']!r}")
    if not message.get("usage", {}).get("output_tokens") or not metrics:
        problems.append("usage or the last chunk's invocation metrics are missing")
    if args.expect_file:
        with open(args.expect_file, encoding="utf-8") as file:
            expected = file.read()
        if text != (expected[:-1] if expected.endswith("\n") else expected):
            problems.append(f"the text differs from {args.expect_file}")
    print(json.dumps({"botocore_version": version, "messages": True, "text": text, "stop_reason": stop_reason,
                      "problems": problems}, ensure_ascii=False), flush=True)
    return 1 if problems else 0


def expect_refusal(client, model, body, client_error, version) -> int:
    """Both operations must raise ClientError with HTTP 403; prints the error codes seen."""
    seen = {}
    calls = {
        "invoke_model": lambda: client.invoke_model(modelId=model, body=body, contentType="application/json"),
        "invoke_model_with_response_stream": lambda: list(
            client.invoke_model_with_response_stream(modelId=model, body=body, contentType="application/json")["body"]),
    }
    for name, call in calls.items():
        try:
            call()
            seen[name] = "accepted"
        except client_error as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            seen[name] = f"{status} {error.response.get('Error', {}).get('Code')}"
    print(json.dumps({"botocore_version": version, "refusals": seen}), flush=True)
    return 0 if all(value.startswith("403 ") for value in seen.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
