"""What the bench scripts share: running a Java benchmark main on the built classpath, a step i/N line per run on a
terminal, and rewriting one marked block of BENCHMARKS.md."""
import atexit
import json
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _duration(seconds):
    s = int(seconds)
    return f"{s // 3600}h{s // 60 % 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class Steps:
    """A bench script's runs counted on stderr, "step i/N: what, elapsed, ETA" as each starts (the ETA from the mean
    run so far), when stderr is a terminal; silent otherwise, so a log gets only the script's own output. The children
    run with their output captured, so this is the only sign of life during a run of many minutes."""

    def __init__(self):
        self.total, self.done, self.start = 0, 0, time.monotonic()
        self.shown = sys.stderr.isatty()

    def plan(self, total):
        """Sets how many runs the script will make; call it once before the first."""
        self.total, self.done, self.start = total, 0, time.monotonic()
        if self.shown and total:
            atexit.register(self._end)

    def step(self, what):
        """Announces the next run; java_json and cli_json call it, a script's own runner calls it too."""
        self.done += 1
        if not self.shown or not self.total:
            return
        elapsed = time.monotonic() - self.start
        eta = f", ETA {_duration(elapsed / (self.done - 1) * (self.total - self.done + 1))}" if self.done > 1 else ""
        print(f"step {self.done}/{self.total}: {what} (elapsed {_duration(elapsed)}{eta})", file=sys.stderr, flush=True)

    def _end(self):
        print(f"{min(self.done, self.total)}/{self.total} steps in {_duration(time.monotonic() - self.start)}",
              file=sys.stderr, flush=True)


steps = Steps()


def java_json(main_class, args, heap="-Xmx6g"):
    """Runs a benchmark main of the tools module (args: a list, or a dict passed as key=value) and returns the last
    JSON line it printed."""
    cp = open(os.path.join(ROOT, "tools/target/runtime-classpath.txt")).read().strip()
    argv = [f"{k}={v}" for k, v in args.items()] if isinstance(args, dict) else list(args)
    cmd = ["java", heap, "-Dorg.bytedeco.javacpp.cachedir=" + os.path.join(ROOT, ".cache/javacpp"),
           "-cp", os.path.join(ROOT, "tools/target/classes") + ":" + cp, main_class, *argv]
    steps.step(" ".join([main_class.rsplit(".", 1)[-1], *argv]))
    out = subprocess.run(cmd, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"), capture_output=True, text=True, check=True)
    return json.loads([l for l in out.stdout.splitlines() if l.startswith("{")][-1])


def cli_json(args, what=None):
    """Runs `bin/contrastream ARGS...`, echoing the command on stderr, and returns the last JSON line it printed; exits
    with the command's stderr tail when it fails."""
    cmd = [os.path.join(ROOT, "bin/contrastream"), *args]
    steps.step(what or args[0])
    print("+", " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"), capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"{what or args[0]} failed ({out.returncode})")
    return json.loads([l for l in out.stdout.splitlines() if l.startswith("{")][-1])


def replace_block(name, block, heading):
    """Puts `block` (which starts with <!-- name:begin and ends with <!-- name:end -->) into BENCHMARKS.md, in place
    of the previous one, or at the end under `heading`."""
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read()
    if f"<!-- {name}:begin" in text:
        text = re.sub(rf"<!-- {name}:begin.*?<!-- {name}:end -->", lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n{heading}\n\n{block}\n"
    open(path, "w").write(text)
