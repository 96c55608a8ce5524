#!/usr/bin/env python3
"""The measuring half of scripts/bench: drives the real `turns` binary from outside and prints one Markdown table row
per budget (target | figure | MET or MISSED | how measured). Standard library only, except `sdk`, which runs under
the virtual environment that holds the official SDK.

  bench.py stream --bin TURNS [--tokens N] [--sdk-python PY --sdk-tokens M] [--rounds R]
  bench.py chat --bin TURNS [--runs N] [--idle-seconds S] [--keys K] [--tokens N]
  bench.py load --bin TURNS [--turns N] [--runs N]
  bench.py sdk --base-url URL --max-tokens N          (the SDK consumer: each piece to stdout, as a user would write)

CPU is user + system time: wait4's rusage for a process that ran to its end, /proc/PID/stat for a running chat.
The chat runs in a pseudo-terminal (120×40) whose master this script reads, stamping each read with
CLOCK_MONOTONIC, so "a frame arrived" means its bytes reached the terminal.
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

WIDTH, HEIGHT = 120, 40
TICK = os.sysconf("SC_CLK_TCK")
# Every frame of the chat ends with the cursor put back in the editor, on the screen's last row; only a frame (or the
# echo of a key in the editor) moves the cursor there. Between a key's write and its echo, a key on the next frame sees
# at most two such moves: the end of the frame being written when the key came, and the echo frame's own.
EDITOR_ROW_MOVE = re.compile(rb"\x1b\[%d(;\d+)?[dH]" % HEIGHT)


def row(target, figure, met, how):
    print(f"| {target} | {figure} | {'MET' if met else 'MISSED'} | {how} |", flush=True)


def note(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


# MARK: - Processes


class Serve:
    """`turns serve` on a free port, unpaced and generating to max tokens, seeded so every request gets one answer."""

    def __init__(self, turns):
        self.process = subprocess.Popen([turns, "serve", "--port", "0", "--tokens-per-second", "0", "--continuous",
                                         "--seed", "42"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            raise SystemExit("bench: turns serve did not start")
        self.url = line.split()[-1]

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait()


def cpu_of_run(command, env, stdout=os.devnull):
    """Runs `command` to its end with stdout to a file; its user + system CPU seconds (wait4)."""
    pid = os.fork()
    if pid == 0:
        try:
            out = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.execvpe(command[0], command, env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed")
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid):
    """User + system CPU seconds of a running process, all its threads (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss(pid):
    """The process's peak resident set size in bytes (VmHWM)."""
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def chat_environment(work):
    return {"HOME": work, "XDG_CONFIG_HOME": f"{work}/config", "XDG_DATA_HOME": f"{work}/data",
            "XDG_STATE_HOME": f"{work}/state", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin",
            "TERM": "xterm-256color", "ANTHROPIC_API_KEY": "bench-key"}


class Chat:
    """The chat in a 120×40 pseudo-terminal. Every read of the master is kept with its time; `exec_time` is stamped
    by the child right before exec."""

    def __init__(self, argv, work):
        stamp_read, stamp_write = os.pipe()
        self.pid, self.master = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
            os.write(stamp_write, str(time.monotonic()).encode())
            os.execve(argv[0], argv, chat_environment(work))
        os.close(stamp_write)
        with os.fdopen(stamp_read) as stamp:
            self.exec_time = float(stamp.read())
        self.output = bytearray()
        self.reads = []  # (time, offset of the read's end in output)

    def pump(self, seconds):
        """Reads whatever arrives for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.read_once(left)

    def read_once(self, timeout):
        if select.select([self.master], [], [], timeout)[0]:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if not data:
                raise RuntimeError("the chat ended; it wrote:\n" + self.output[-2000:].decode(errors="replace"))
            self.output += data
            self.reads.append((time.monotonic(), len(self.output)))

    def wait_for(self, text, start=0, timeout=30):
        """The time of the read that completed the first `text` after offset `start`."""
        deadline = time.monotonic() + timeout
        needle = text.encode()
        while (found := self.output.find(needle, start)) < 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {text!r} after {timeout} s")
            self.read_once(deadline - time.monotonic())
        return next(t for t, end in self.reads if end >= found + len(needle))

    def wait_quiet(self, quiet, timeout=60):
        """Reads until nothing arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            last = len(self.reads)
            self.pump(quiet)
            if len(self.reads) == last:
                return
        raise RuntimeError(f"the chat did not go quiet in {timeout} s")

    def type(self, text):
        os.write(self.master, text.encode())

    def close(self):
        """SIGTERM, and SIGKILL if the chat is still there 5 s later (a SIGTERM that arrives right after the first
        frame can be lost: the signal source is registered asynchronously)."""
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                note("the chat ignored SIGTERM; killed")
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            try:
                self.pump(0.05)
            except RuntimeError:
                pass
        os.close(self.master)


# MARK: - stream


def stream(args):
    """`turns --print` against curl and the official SDK, and the Bedrock path against the SSE path, by CPU."""
    env = dict(os.environ, ANTHROPIC_API_KEY="bench-key", AWS_ACCESS_KEY_ID="AKIDBENCH",
               AWS_SECRET_ACCESS_KEY="bench-secret", AWS_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "ANTHROPIC_BASE_URL"):
        env.pop(name, None)
    work = tempfile.mkdtemp()
    env.update({key: value for key, value in chat_environment(work).items() if key.startswith("XDG_")})
    with Serve(args.bin) as serve:
        body = json.dumps({"model": "claude-2.1", "prompt": "\n\nHuman: Hello\n\nAssistant:",
                           "max_tokens_to_sample": args.tokens, "stream": True})
        curl = ["curl", "-sN", f"{serve.url}/v1/complete", "-H", "content-type: application/json",
                "-H", "x-api-key: bench-key", "-H", "anthropic-version: 2023-06-01", "-d", body]

        def print_command(backend, tokens, api="complete"):
            # The budgets are stated on the Text Completions stream that curl and the SDK read too.
            return [args.bin, "--print", "--backend", backend, "--base-url", serve.url, "--api", api,
                    "--model", "claude-2.1" if api == "complete" else "claude-sonnet-4-5",
                    "--max-tokens", str(tokens), "Hello"]

        def sdk_command(tokens):
            return [args.sdk_python, os.path.abspath(__file__), "sdk", "--base-url", serve.url,
                    "--max-tokens", str(tokens)]

        # Untimed, once: the consumers compared must get the same answer, or the comparison means nothing.
        cpu_of_run(print_command("anthropic", args.tokens), env, f"{work}/sse.txt")
        cpu_of_run(print_command("bedrock", args.tokens), env, f"{work}/bedrock.txt")
        same(f"{work}/sse.txt", f"{work}/bedrock.txt", "the SSE and Bedrock paths")
        cpu_of_run(print_command("anthropic", args.tokens, "messages"), env, f"{work}/messages.txt")
        same(f"{work}/sse.txt", f"{work}/messages.txt", "the Text Completions and Messages streams")
        if args.sdk_python:
            cpu_of_run(print_command("anthropic", args.sdk_tokens), env, f"{work}/short.txt")
            cpu_of_run(sdk_command(args.sdk_tokens), env, f"{work}/sdk.txt")
            same(f"{work}/short.txt", f"{work}/sdk.txt", "turns --print and the SDK")
        # The SDK's start-up is ~40% of its CPU on 20,000 tokens, so per token both sides count what a one-token
        # answer does not cost.
        cpu = {"curl": [], "print": [], "bedrock": [], "messages": [], "sdk": [], "print 1 token": [], "sdk 1 token": []}
        for number in range(args.rounds):  # interleaved, so a machine that changes speed weighs on every side
            cpu["curl"].append(cpu_of_run(curl, env))
            cpu["print"].append(cpu_of_run(print_command("anthropic", args.tokens), env))
            cpu["bedrock"].append(cpu_of_run(print_command("bedrock", args.tokens), env))
            cpu["messages"].append(cpu_of_run(print_command("anthropic", args.tokens, "messages"), env))
            if args.sdk_python:
                cpu["sdk"].append(cpu_of_run(sdk_command(args.sdk_tokens), env))
                cpu["print 1 token"].append(cpu_of_run(print_command("anthropic", 1), env))
                cpu["sdk 1 token"].append(cpu_of_run(sdk_command(1), env))
            note(f"stream round {number + 1} of {args.rounds}: " + ", ".join(
                f"{name} {values[-1]:.3f} s" for name, values in cpu.items() if values))
    shutil.rmtree(work)
    curl_s, print_s, bedrock_s, messages_s = (statistics.median(cpu[name])
                                              for name in ("curl", "print", "bedrock", "messages"))
    rounds = f"median of {args.rounds} interleaved rounds"
    row("`turns --print` CPU ≤ 5× `curl -N`", f"{print_s / curl_s:.2f}× ({print_s:.3f} vs {curl_s:.3f} s)",
        print_s <= 5 * curl_s, f"user + sys CPU (wait4) absorbing the same unpaced {args.tokens:,}-token "
        f"`/v1/complete` stream from `turns serve`, output to /dev/null, {rounds}")
    if args.sdk_python:
        ours = (print_s - statistics.median(cpu["print 1 token"])) / (args.tokens - 1)
        theirs = (statistics.median(cpu["sdk"]) - statistics.median(cpu["sdk 1 token"])) / (args.sdk_tokens - 1)
        row("`turns --print` CPU per token ≤ 0.05× the official Python SDK's", f"{ours / theirs:.3f}× "
            f"({ours * 1e6:.2f} vs {theirs * 1e6:.1f} µs/token)", ours <= 0.05 * theirs,
            f"as above; the SDK (anthropic 0.125.0, `completions.create(stream=True)`, each piece to stdout) on a "
            f"{args.sdk_tokens:,}-token stream; per token = (CPU − CPU of a 1-token answer) / tokens on each side")
    else:
        print("| `turns --print` CPU per token ≤ 0.05× the official Python SDK's | not measured: the SDK could not "
              "be installed | SKIPPED | |", flush=True)
    row("Bedrock path CPU per token ≤ 1.5× the SSE path's", f"{bedrock_s / print_s:.2f}× ({bedrock_s:.3f} vs "
        f"{print_s:.3f} s)", bedrock_s <= 1.5 * print_s, f"`turns --print --backend bedrock` (signed with fake "
        f"credentials) on `turns serve`'s invoke-with-response-stream route vs `--backend anthropic` on "
        f"/v1/complete, the same {args.tokens:,}-token answer, {rounds}")
    row("Messages stream CPU per token in `--print` ≤ 1.5× the Text Completions stream's",
        f"{messages_s / print_s:.2f}× ({messages_s:.3f} vs {print_s:.3f} s)", messages_s <= 1.5 * print_s,
        f"`turns --print --api messages` on `turns serve`'s /v1/messages vs `--api complete` on /v1/complete, the same "
        f"{args.tokens:,}-token answer, {rounds}")


def same(first, second, what):
    with open(first, "rb") as a, open(second, "rb") as b:
        if a.read() != b.read():
            raise SystemExit(f"bench: {what} wrote different answers")


def sdk(args):
    import anthropic  # only in the SDK's virtual environment

    client = anthropic.Anthropic(base_url=args.base_url, max_retries=0, timeout=600)
    prompt = f"{anthropic.HUMAN_PROMPT} Hello{anthropic.AI_PROMPT}"
    with client.completions.create(model="claude-2.1", prompt=prompt, max_tokens_to_sample=args.max_tokens,
                                   stream=True) as events:
        for event in events:
            sys.stdout.write(event.completion)
    sys.stdout.write("\n")


# MARK: - chat


def chat(args):
    """The chat in a terminal: exec → first frame, idle CPU, and keys typed while an unpaced answer streams."""
    work = tempfile.mkdtemp()
    firsts = []
    for _ in range(args.runs):
        screen = Chat([args.bin, "--backend", "local"], work)
        firsts.append(screen.wait_for("ready") - screen.exec_time)
        screen.close()
    first = statistics.median(firsts)
    row("Chat: exec to first frame ≤ 100 ms", f"{first * 1000:.0f} ms median ({min(firsts) * 1000:.0f}–"
        f"{max(firsts) * 1000:.0f})", first <= 0.1, f"{args.runs} starts on the local backend in a pty; from the "
        f"child's stamp right before exec to the read that brings the status bar's \"ready\"")

    screen = Chat([args.bin, "--backend", "local", "--tokens-per-second", "0", "--max-tokens", "200"], work)
    screen.wait_for("ready")
    idle = [watch_idle(screen, args.idle_seconds)]
    start = len(screen.output)
    screen.type("Hello\r")
    screen.wait_for("done:", start)
    screen.wait_quiet(2)  # the last status tick and the journal's 1 s flush
    idle.append(watch_idle(screen, args.idle_seconds))
    screen.close()
    row("Chat: idle CPU < 0.5%", f"{idle[0]:.2f}% on the first screen, {idle[1]:.2f}% after an answer",
        max(idle) < 0.5, f"/proc/PID/stat over {args.idle_seconds:.0f} s each (10 ms ticks)")

    with Serve(args.bin) as serve:
        screen = Chat([args.bin, "--backend", "anthropic", "--base-url", serve.url, "--api", "complete",
                       "--max-tokens", str(args.tokens)], work)
        screen.wait_for("ready")
        keys = type_while_streaming(screen, args.keys)
        screen.close()
    shutil.rmtree(work)
    delays = sorted(delay for delay, _ in keys)
    on_time = sum(1 for _, moves in keys if moves <= 2)
    row("Chat: a key typed while streaming is on the next frame", f"{on_time} of {len(keys)} keys on the next frame; "
        f"typed → shown median {statistics.median(delays) * 1000:.1f} ms, max {delays[-1] * 1000:.1f}",
        on_time == len(keys), "keys written to the pty 20–40 ms apart while an unpaced answer streams from `turns "
        "serve`; the frames between a key's write and its echo are counted in the bytes (each ends with the cursor "
        "back in the editor row): at most the one being written and the echo's own")


def watch_idle(screen, seconds):
    before, start = process_cpu(screen.pid), time.monotonic()
    screen.pump(seconds)
    return 100 * (process_cpu(screen.pid) - before) / (time.monotonic() - start)


# Characters the local model never writes and no escape sequence contains: each typed key is found by its echo.
MARKERS = "%&*^|$QVZ"


def type_while_streaming(screen, count):
    """Types `count` keys while an answer streams, one at a time; for each, the seconds from its write to its echo and
    the moves to the editor row in between (the frames drawn meanwhile, see EDITOR_ROW_MOVE)."""
    screen.type("Tell me a story\r")
    screen.pump(0.3)
    keys = []
    while len(keys) < count:
        if len(keys) % len(MARKERS) == 0:
            screen.type("\x15")  # Ctrl-U empties the editor, so a marker is never on screen before its key
            screen.pump(0.05)
        marker = MARKERS[len(keys) % len(MARKERS)]
        while select.select([screen.master], [], [], 0)[0]:  # frames drawn before the key are not counted against it
            screen.read_once(0)
        start = len(screen.output)
        sent = time.monotonic()
        screen.type(marker)
        shown = screen.wait_for(marker, start, timeout=5)
        echo = screen.output.find(marker.encode(), start)
        keys.append((shown - sent, len(EDITOR_ROW_MOVE.findall(screen.output, start, echo))))
        screen.pump(0.02 + 0.02 * (len(keys) % 7) / 6)
    before = len(screen.reads)
    screen.pump(0.2)
    if len(screen.reads) - before < 5:
        raise RuntimeError("the answer ended before the last key; give more --tokens")
    return keys


# MARK: - load


def load(args):
    """`turns --load` of a 50,000-turn JSON transcript: exec → first frame, and the process's peak RSS."""
    work = tempfile.mkdtemp()
    path = f"{work}/long.json"
    write_transcript(path, args.turns)
    size = os.path.getsize(path)
    firsts, peaks = [], []
    for _ in range(args.runs):
        shutil.rmtree(f"{work}/state", ignore_errors=True)
        shutil.rmtree(f"{work}/data", ignore_errors=True)
        screen = Chat([args.bin, "--load", path], work)
        firsts.append(screen.wait_for("ENDOFTRANSCRIPT") - screen.exec_time)
        screen.wait_quiet(1)
        peaks.append(peak_rss(screen.pid))
        screen.close()
    shutil.rmtree(work)
    first, peak, limit = statistics.median(firsts), max(peaks), 2.5 * size + 30 * 2**20
    how = f"`turns --load` of a generated {args.turns:,}-turn transcript in a pty, {args.runs} runs"
    row(f"`--load` {size / 2**20:.0f} MB transcript: first frame ≤ 0.5 s", f"{first:.2f} s median "
        f"({min(firsts):.2f}–{max(firsts):.2f})", first <= 0.5, how + "; exec → the read that brings the last turn")
    row(f"`--load` {size / 2**20:.0f} MB transcript: peak RSS ≤ 2.5× the file + 30 MB", f"{peak / 2**20:.0f} MB "
        f"(limit {limit / 2**20:.0f})", peak <= limit, how + "; VmHWM once the chat is idle, the highest run")


def write_transcript(path, count):
    """A transcript as turns saves it: questions and answers with code blocks and wide characters, the last answer
    ending with a word the benchmark waits for."""
    settings = {"model": "claude-2.1", "max_tokens_to_sample": 1024, "temperature": 0.7, "top_k": None,
                "top_p": None, "stop_sequences": []}
    paragraph = ("The transcript pane wraps text by display cells at word boundaries, and code blocks keep their "
                 "lines. 界面 😀 ")
    turns = []
    for index in range(count):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1_790_000_000 + index)) + ".000Z"
        if index % 2 == 0:
            turns.append({"role": "human", "text": f"Question {index}: how does wrapping work?", "created_at": stamp})
            continue
        text = paragraph * 2 + f"\n\n```swift\nlet answer = {index}\n```\n\n" + paragraph
        if index == count - 1:
            text += "\n\nENDOFTRANSCRIPT"
        turns.append({"role": "assistant", "text": text, "created_at": stamp, "reply": {
            "backend": "anthropic", "model": "claude-2.1", "settings": settings, "stop_reason": "stop_sequence",
            "interrupted": False, "error": None, "request_id": f"req_{index:024d}", "time_to_first_token": 0.25,
            "tokens_per_second": 31.5}})
    with open(path, "w") as file:
        json.dump({"format": "turns-transcript", "version": 1, "system": "You are a helpful assistant.",
                   "turns": turns}, file, indent=2, ensure_ascii=False)
        file.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = parser.add_subparsers(dest="part", required=True)
    part = parts.add_parser("stream")
    part.add_argument("--bin", required=True)
    part.add_argument("--tokens", type=int, default=300_000)
    part.add_argument("--sdk-python")
    part.add_argument("--sdk-tokens", type=int, default=20_000)
    part.add_argument("--rounds", type=int, default=11)
    part.set_defaults(run=stream)
    part = parts.add_parser("chat")
    part.add_argument("--bin", required=True)
    part.add_argument("--runs", type=int, default=10)
    part.add_argument("--idle-seconds", type=float, default=10)
    part.add_argument("--keys", type=int, default=50)
    part.add_argument("--tokens", type=int, default=5_000_000)
    part.set_defaults(run=chat)
    part = parts.add_parser("load")
    part.add_argument("--bin", required=True)
    part.add_argument("--turns", type=int, default=50_000)
    part.add_argument("--runs", type=int, default=3)
    part.set_defaults(run=load)
    part = parts.add_parser("sdk")
    part.add_argument("--base-url", required=True)
    part.add_argument("--max-tokens", type=int, required=True)
    part.set_defaults(run=sdk)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
