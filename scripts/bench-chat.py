#!/usr/bin/env python3
"""Measurement helper for scripts/bench-stream and scripts/bench-ui (standard library only).

It runs consumers and the chat, measures them from outside (wait4's rusage, /proc/PID/stat, tmux capture-pane) and
from inside (the chat's TURNS_TRACE lines, see ChatTrace in Sources/turns/Chat/ChatRuntime.swift), and prints
results as JSON lines that `summarize-stream` and `summarize-ui` turn into tables.

  bench-chat.py run NAME ROUND -- CMD...      run CMD (stdout to /dev/null): wall, user+sys CPU, peak RSS
  bench-chat.py chat-stream ROUND --bin B --base-url U --max-tokens N --work DIR [--poll S]
  bench-chat.py idle --bin B --work DIR [--seconds S]
  bench-chat.py keys --bin B --base-url U --max-tokens N --work DIR [--keys K] [--interval S]
  bench-chat.py startup --bin B --work DIR [--runs N]
  bench-chat.py summarize-stream RESULTS   |   summarize-ui RESULTS

Times are CLOCK_MONOTONIC (time.monotonic_ns), the clock the trace uses, so stamps taken here and there compare.
"""

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

CLOCK_TICK = os.sysconf("SC_CLK_TCK")
WIDTH, HEIGHT = 120, 40


def now_ns():
    return time.monotonic_ns()


def emit(record):
    print(json.dumps(record), flush=True)


# MARK: - Measuring processes


def run_consumer(args):
    """Runs one consumer with stdout to /dev/null; wall from fork to exit, CPU and peak RSS from wait4."""
    command = args.command[1:] if args.command and args.command[0] == "--" else args.command
    start = now_ns()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = (now_ns() - start) / 1e9
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"bench: {args.name} exited with {code}: {' '.join(command)}", file=sys.stderr)
        sys.exit(1)
    emit({"consumer": args.name, "round": args.round, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
          "user": usage.ru_utime, "sys": usage.ru_stime, "rss_kb": usage.ru_maxrss})


def process_cpu(pid):
    """user + sys seconds of a running process (all its threads, live and ended), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime field 14, stime field 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def process_status(pid, key):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def wakeups(pid):
    """Voluntary context switches by thread: how often each went to sleep and was woken."""
    counts = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            counts[task] = process_status(f"{pid}/task/{task}", "voluntary_ctxt_switches")
        except FileNotFoundError:
            pass
    return counts


def wakeups_between(before, after):
    """The wakeups between two samples of `wakeups`, thread by thread (a thread that ended in between is not
    counted: summing totals instead gave negative counts when one did)."""
    return sum(count - before.get(task, 0) for task, count in after.items())


# MARK: - The chat in tmux


class Tmux:
    """A private tmux server running one program in a WIDTH x HEIGHT window."""

    def __init__(self, work, command, environment):
        self.socket = f"turns-bench-{os.getpid()}-{now_ns() % 1_000_000}"
        env = " ".join(f"{key}={shlex.quote(value)}" for key, value in sorted(environment.items()))
        line = f"exec env -i {env} TERM=tmux-256color " + " ".join(shlex.quote(word) for word in command)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(WIDTH), "-y", str(HEIGHT), line)
        self.tmux("set-option", "-t", "t", "remain-on-exit", "on")

    def tmux(self, *arguments):
        result = subprocess.run(["tmux", "-L", self.socket, *arguments], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0 and arguments[0] != "kill-server":
            raise RuntimeError(f"tmux {' '.join(arguments)}: {result.stderr.strip()}")
        return result.stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t").split("\n")

    def keys(self, *names):
        self.tmux("send-keys", "-t", "t", *names)

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def value(self, name):
        return self.tmux("display-message", "-p", "-t", "t", "#{" + name + "}").strip()

    def wait_until(self, condition, timeout=30, interval=0.02):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.screen()
            if condition(lines):
                return lines
            time.sleep(interval)
        raise RuntimeError("timed out; the screen shows:\n" + "\n".join(self.screen()))

    def quit_chat(self):
        """Ctrl-C with an empty editor and nothing running quits; waits for the exit, then ends tmux."""
        try:
            self.keys("C-u")
            self.keys("C-c")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.value("pane_dead") != "1":
                time.sleep(0.02)
        finally:
            self.close()

    def close(self):
        self.tmux("kill-server")


def status_line(lines):
    """The status bar: the line right above the editor's first line ("> …")."""
    for index in range(len(lines) - 1, 0, -1):
        if lines[index].startswith(">") and not lines[index - 1].startswith(">"):
            candidate = lines[index - 1]
            if " · " in candidate:
                return candidate.rstrip()
    return ""


def chat_environment(work, trace=None, api_key=True):
    env = {"HOME": work, "XDG_CONFIG_HOME": f"{work}/config", "XDG_DATA_HOME": f"{work}/data",
           "XDG_STATE_HOME": f"{work}/state", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    if api_key:
        env["ANTHROPIC_API_KEY"] = "bench-key"
    if trace:
        env["TURNS_TRACE"] = trace
    return env


def read_trace(path):
    """The trace as (kind, time_ns, rest) tuples."""
    entries = []
    with open(path) as file:
        for line in file:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) >= 2:
                entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return entries


def frame_fields(rest):
    """A frame line's fields after the time: took_ns, changes, editor characters, request state."""
    took, changes, editor, state = rest.split(" ", 3)
    return int(took), int(changes), int(editor), state


def remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def chat_stream(args):
    """Consumer (d): the chat in tmux absorbs one unpaced answer; Enter to the status bar's "done:"."""
    trace = f"{args.work}/trace-stream-{args.round}"
    remove(trace)
    command = [args.bin, "--backend", "anthropic", "--base-url", args.base_url, "--max-tokens", str(args.max_tokens)]
    tmux = Tmux(args.work, command, chat_environment(args.work, trace))
    try:
        tmux.wait_until(lambda lines: status_line(lines).endswith("ready"))
        pid = int(tmux.value("pane_pid"))
        with open(f"/proc/{pid}/comm") as file:
            assert file.read().strip().startswith("turns"), "the pane's process is not turns"
        tmux.type(args.message)
        tmux.wait_until(lambda lines: any(line.startswith("> " + args.message) for line in lines))
        cpu_before = process_cpu(pid)
        sent = now_ns()
        tmux.keys("Enter")
        polls = 0
        while True:
            polls += 1
            if re.search(r"\sdone: \S+$", status_line(tmux.screen())):
                break
            if now_ns() - sent > 600e9:
                raise RuntimeError("no done: after 600 s")
            time.sleep(args.poll)
        seen = now_ns()
        cpu_after = process_cpu(pid)
        rss_kb = process_status(pid, "VmHWM")
        tmux.quit_chat()
    except BaseException:
        tmux.close()
        raise
    entries = read_trace(trace)
    enter = next(t for kind, t, rest in entries if kind == "key" and rest == "Enter")
    frames = [(t, frame_fields(rest)) for kind, t, rest in entries if kind == "frame" and t >= enter]
    done = next(t for t, fields in frames if fields[3].startswith("done:"))
    during = [t for t, _ in frames if t <= done]
    gaps = [b - a for a, b in zip([enter] + during, during)]
    emit({"consumer": "chat", "round": args.round, "wall": (seen - sent) / 1e9, "cpu": cpu_after - cpu_before,
          "rss_kb": rss_kb, "wall_trace": (done - enter) / 1e9, "frames": len(during),
          "max_frame_gap_ms": max(gaps) / 1e6, "longest_frame_ms": max(f[0] for t, f in frames if t <= done) / 1e6,
          "polls": polls, "poll_s": args.poll})


# MARK: - bench-ui


def idle(args):
    """Idle CPU: the chat's first screen, then again after an answer, each watched for args.seconds."""
    trace = f"{args.work}/trace-idle"
    remove(trace)
    command = [args.bin, "--backend", "local", "--tokens-per-second", "0", "--max-tokens", "200"]
    tmux = Tmux(args.work, command, chat_environment(args.work, trace, api_key=False))
    try:
        tmux.wait_until(lambda lines: status_line(lines).endswith("ready"))
        pid = int(tmux.value("pane_pid"))
        for phase in ("first screen", "after an answer"):
            if phase == "after an answer":
                tmux.type("Hello")
                tmux.keys("Enter")
                tmux.wait_until(lambda lines: re.search(r"\sdone: \S+$", status_line(lines)) is not None)
                time.sleep(1.5)  # let the last status tick and the journal's 1 s flush pass
            frames_before = sum(1 for kind, _, _ in read_trace(trace) if kind == "frame")
            cpu_before, switches_before, start = process_cpu(pid), wakeups(pid), now_ns()
            time.sleep(args.seconds)
            cpu_after, switches_after, end = process_cpu(pid), wakeups(pid), now_ns()
            frames_after = sum(1 for kind, _, _ in read_trace(trace) if kind == "frame")
            seconds = (end - start) / 1e9
            emit({"figure": "idle", "phase": phase, "seconds": seconds, "cpu_s": cpu_after - cpu_before,
                  "cpu_percent": 100 * (cpu_after - cpu_before) / seconds,
                  "wakeups": wakeups_between(switches_before, switches_after), "frames": frames_after - frames_before})
        tmux.quit_chat()
    except BaseException:
        tmux.close()
        raise


def keys(args):
    """Keystroke latency while an unpaced answer streams: keys typed every args.interval seconds during each of
    several 200k-token answers, until args.keys keys were read while an answer was streaming; then a control set
    typed while idle. For every key: read (trace) → the first frame showing it (its editor count), and send → that
    frame."""
    trace = f"{args.work}/trace-keys"
    remove(trace)
    command = [args.bin, "--backend", "anthropic", "--base-url", args.base_url, "--max-tokens", str(args.max_tokens)]
    tmux = Tmux(args.work, command, chat_environment(args.work, trace))
    sends = []  # (phase, time sent, editor count the key makes)
    streams = 0
    try:
        tmux.wait_until(lambda lines: status_line(lines).endswith("ready"))
        during = 0
        while during < args.keys and streams < args.max_streams:
            streams += 1
            time.sleep(0.1)  # let the last key's frame be drawn before Ctrl-U clears it
            tmux.keys("C-u")
            tmux.type("Tell me a story")
            tmux.keys("Enter")
            count = 0
            # Type until this answer is done: a frame showing "done:" after this stream's Enter was read (the
            # trace is flushed at every frame).
            while True:
                count += 1
                sends.append(("stream", now_ns(), count))
                tmux.type("k")
                time.sleep(args.interval)
                if answer_done(read_trace(trace), streams):
                    break
                if count > 5000:
                    raise RuntimeError("the answer did not finish")
            during += count
        # The control: the same keys with nothing streaming.
        time.sleep(0.1)
        tmux.keys("C-u")
        time.sleep(0.2)
        for count in range(1, 21):
            sends.append(("idle", now_ns(), count))
            tmux.type("k")
            time.sleep(0.05)
        time.sleep(0.3)
        tmux.quit_chat()
    except BaseException:
        tmux.close()
        raise
    emit({"figure": "keys", "streams": streams, "interval_s": args.interval,
          "results": analyze_keys(read_trace(trace), sends)})


def answer_done(entries, answers):
    """True once the trace shows `answers` Enter keys read and a frame showing "done:" after the last of them."""
    enters = [t for kind, t, rest in entries if kind == "key" and rest == "Enter"]
    if len(enters) < answers:
        return False
    return any(kind == "frame" and t >= enters[answers - 1] and frame_fields(rest)[3].startswith("done:")
               for kind, t, rest in entries)


def analyze_keys(entries, sends):
    """Matches every sent key to its read in the trace and to the first frame whose editor shows it."""
    results = []
    # Split the trace into segments that start at a Ctrl-U (the editor restarts from 0 there).
    key_times = [(t, rest) for kind, t, rest in entries if kind == "key"]
    frames = [(t, frame_fields(rest)) for kind, t, rest in entries if kind == "frame"]
    reads = [t for t, name in key_times if name == "k"]
    if len(reads) != len(sends):
        raise RuntimeError(f"{len(sends)} keys sent but {len(reads)} read")
    for (phase, sent, count), read in zip(sends, reads):
        # Frames from the read on; the first whose editor holds at least `count` characters and that is after a
        # reset of the editor that precedes this key shows it. Frames are in time order.
        shown = None
        frames_taken = 0
        for t, (took, changes, editor, state) in frames:
            if t < read:
                continue
            frames_taken += 1
            if editor >= count:
                shown = t
                break
        if shown is None:
            results.append({"phase": "never-shown", "read_to_frame_ms": float("inf"), "send_to_frame_ms": float("inf"),
                            "send_to_read_ms": (read - sent) / 1e6, "frames": frames_taken})
            continue
        streaming = phase == "stream" and state.startswith(("streaming", "waiting"))
        results.append({"phase": phase if phase == "idle" else ("stream" if streaming else "stream-end"),
                        "read_to_frame_ms": (shown - read) / 1e6, "send_to_frame_ms": (shown - sent) / 1e6,
                        "send_to_read_ms": (read - sent) / 1e6, "frames": frames_taken})
    return results


def startup(args):
    """`turns --version` wall time over args.runs runs, and exec → first frame of the chat (local backend)."""
    versions = []
    for _ in range(args.runs):
        start = now_ns()
        subprocess.run([args.bin, "--version"], stdout=subprocess.DEVNULL, check=True)
        versions.append((now_ns() - start) / 1e6)
    emit({"figure": "version", "runs_ms": versions})
    firsts = []
    for run in range(args.runs):
        trace = f"{args.work}/trace-start-{run}"
        stamp = f"{args.work}/exec-{run}"
        remove(trace)
        # The stamp is taken right before exec, so the interpreter's own start is not counted.
        exec_with_stamp = ("import os, sys, time; open(sys.argv[1], 'w').write(str(time.monotonic_ns())); "
                           "os.execv(sys.argv[2], sys.argv[2:])")
        command = [sys.executable, "-c", exec_with_stamp, stamp, args.bin, "--backend", "local"]
        tmux = Tmux(args.work, command, chat_environment(args.work, trace, api_key=False))
        try:
            tmux.wait_until(lambda lines: status_line(lines).endswith("ready"))
            tmux.quit_chat()
        except BaseException:
            tmux.close()
            raise
        with open(stamp) as file:
            executed = int(file.read())
        entries = read_trace(trace)
        started = next(t for kind, t, _ in entries if kind == "start")
        first = next(t for kind, t, _ in entries if kind == "frame")
        firsts.append({"exec_to_frame_ms": (first - executed) / 1e6, "exec_to_terminal_ms": (started - executed) / 1e6})
    emit({"figure": "first_frame", "runs": firsts})


# MARK: - Summaries


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def verdict(ok):
    return "MET" if ok else "MISSED"


def summarize_stream(args):
    rows = [json.loads(line) for line in open(args.results) if line.startswith("{")]
    names = [("curl", "(a) curl -sN, raw SSE"), ("print", "(b) turns --print"), ("sdk", "(c) Python SDK 0.125.0"),
             ("chat", "(d) chat in tmux")]
    medians = {}
    print(f"{'consumer':28} {'rounds':>6} {'wall s':>9} {'CPU s':>9} {'peak RSS MB':>12}")
    for key, label in names:
        mine = [row for row in rows if row["consumer"] == key]
        if not mine:
            continue
        medians[key] = {field: median([row[field] for row in mine]) for field in ("wall", "cpu", "rss_kb")}
        m = medians[key]
        print(f"{label:28} {len(mine):>6} {m['wall']:>9.3f} {m['cpu']:>9.3f} {m['rss_kb'] / 1024:>12.1f}")
    chat = [row for row in rows if row["consumer"] == "chat"]
    if chat:
        print(f"(d) detail: wall by the trace (Enter → the frame showing done:) median "
              f"{median([r['wall_trace'] for r in chat]):.3f} s; capture-pane polled every {chat[0]['poll_s'] * 1000:.0f} ms "
              f"(+ ~5 ms per capture), so the polled wall is late by up to that much; frames drawn during the answer "
              f"{median([r['frames'] for r in chat]):.0f}, longest gap between frames "
              f"{median([r['max_frame_gap_ms'] for r in chat]):.1f} ms, slowest frame {median([r['longest_frame_ms'] for r in chat]):.2f} ms")

    def ratio(top, bottom, field):
        if top in medians and bottom in medians and medians[bottom][field] > 0:
            return medians[top][field] / medians[bottom][field]
        return float("nan")

    print("ratios (medians):               wall     CPU     RSS    target")
    for top, bottom, target_field, limit in (("print", "curl", "cpu", 3.0), ("print", "sdk", "cpu", 0.1),
                                             ("chat", "print", "wall", 1.5)):
        values = [ratio(top, bottom, field) for field in ("wall", "cpu", "rss_kb")]
        target = ratio(top, bottom, target_field)
        name = {"print/curl": "b/a", "print/sdk": "b/c", "chat/print": "d/b"}[f"{top}/{bottom}"]
        print(f"  {name} {top:>5} / {bottom:<5}           {values[0]:>6.2f}  {values[1]:>6.2f}  {values[2]:>6.2f}"
              f"    {target_field} <= {limit}: {verdict(target <= limit)} ({target:.2f})")
    if "chat" in medians and "print" in medians and chat:
        by_trace = median([r["wall_trace"] for r in chat]) / medians["print"]["wall"]
        print(f"  d/b by the trace's wall: {by_trace:.2f}")


def summarize_ui(args):
    rows = [json.loads(line) for line in open(args.results) if line.startswith("{")]
    for row in rows:
        if row["figure"] == "idle":
            print(f"idle ({row['phase']}): {row['cpu_percent']:.2f}% CPU over {row['seconds']:.1f} s "
                  f"({row['cpu_s'] * 1000:.0f} ms), {row['wakeups']} wakeups, {row['frames']} frames "
                  f"(target: < 0.5%: {verdict(row['cpu_percent'] < 0.5)}; CPU read in {1000 // CLOCK_TICK} ms ticks)")
        elif row["figure"] == "keys":
            results = row["results"]
            for phase, label in (("stream", "while streaming"), ("stream-end", "as the answer ended"),
                                 ("idle", "idle (control)")):
                mine = [r for r in results if r["phase"] == phase]
                if not mine:
                    continue
                read = [r["read_to_frame_ms"] for r in mine]
                send = [r["send_to_frame_ms"] for r in mine]
                wait = [r["send_to_read_ms"] for r in mine]
                frames = [r["frames"] for r in mine]
                print(f"keys {label}: {len(mine)} keys; read → frame median {median(read):.1f} ms, p95 "
                      f"{percentile(read, 0.95):.1f}, max {max(read):.1f}; frames taken max {max(frames)}; "
                      f"send → frame median {median(send):.1f} ms, p95 {percentile(send, 0.95):.1f}, max {max(send):.1f}"
                      f" (send → read median {median(wait):.1f}, max {max(wait):.1f})")
            typed = [r for r in results if r["phase"] in ("stream", "stream-end")]
            late_read = [r for r in typed if r["frames"] > 1 or r["read_to_frame_ms"] > 1000 / 60 * 2]
            late_send = [r for r in typed if r["send_to_frame_ms"] > 1000 / 60 * 2]
            print(f"  target (typed while an answer streams: shown by the next frame, <= 16 ms + one frame = 33 ms "
                  f"after the read): {verdict(not late_read)} ({len(late_read)} of {len(typed)} late; counted from "
                  f"tmux send-keys instead, {len(late_send)} of {len(typed)} over 33 ms)")
            missing = [r for r in results if r["phase"] == "never-shown"]
            if missing:
                print(f"  {len(missing)} keys were read but no frame showed them (a driver or trace problem; rerun)")
            print(f"  ({row['streams']} answers of the stream, a key every {row['interval_s'] * 1000:.0f} ms; "
                  f"send = before tmux send-keys, read = the chat's read, frame = written to the terminal)")
        elif row["figure"] == "version":
            runs = row["runs_ms"]
            print(f"turns --version: median {median(runs):.1f} ms, min {min(runs):.1f}, max {max(runs):.1f} over "
                  f"{len(runs)} runs (target: <= 100 ms: {verdict(median(runs) <= 100)})")
        elif row["figure"] == "first_frame":
            frames = [r["exec_to_frame_ms"] for r in row["runs"]]
            terminal = [r["exec_to_terminal_ms"] for r in row["runs"]]
            print(f"first frame of the chat (local backend, exec → first frame written): median {median(frames):.1f} ms, "
                  f"min {min(frames):.1f}, max {max(frames):.1f} over {len(frames)} runs; terminal ready at median "
                  f"{median(terminal):.1f} ms (target: <= 100 ms: {verdict(median(frames) <= 100)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command_name", required=True)
    run = commands.add_parser("run")
    run.add_argument("name")
    run.add_argument("round", type=int)
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(handler=run_consumer)

    def chat_arguments(sub, server=True):
        sub.add_argument("--bin", required=True)
        sub.add_argument("--work", required=True)
        if server:
            sub.add_argument("--base-url", required=True)
            sub.add_argument("--max-tokens", type=int, default=200_000)

    stream = commands.add_parser("chat-stream")
    stream.add_argument("round", type=int)
    chat_arguments(stream)
    stream.add_argument("--message", default="Hello")
    stream.add_argument("--poll", type=float, default=0.05)
    stream.set_defaults(handler=chat_stream)

    idle_parser = commands.add_parser("idle")
    chat_arguments(idle_parser, server=False)
    idle_parser.add_argument("--seconds", type=float, default=10)
    idle_parser.set_defaults(handler=idle)

    keys_parser = commands.add_parser("keys")
    chat_arguments(keys_parser)
    keys_parser.add_argument("--keys", type=int, default=50)
    keys_parser.add_argument("--interval", type=float, default=0.01)
    keys_parser.add_argument("--max-streams", type=int, default=8)
    keys_parser.set_defaults(handler=keys)

    start = commands.add_parser("startup")
    chat_arguments(start, server=False)
    start.add_argument("--runs", type=int, default=10)
    start.set_defaults(handler=startup)

    for name, handler in (("summarize-stream", summarize_stream), ("summarize-ui", summarize_ui)):
        sub = commands.add_parser(name)
        sub.add_argument("results")
        sub.set_defaults(handler=handler)

    args = parser.parse_args()
    args.handler(args)


if __name__ == "__main__":
    main()
