"""What the bench scripts share: running a Java benchmark main on the built classpath, and rewriting one marked
block of BENCHMARKS.md."""
import json
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def java_json(main_class, args, heap="-Xmx6g"):
    """Runs a benchmark main of the model module (args: a list, or a dict passed as key=value) and returns the last
    JSON line it printed."""
    cp = open(os.path.join(ROOT, "pipeline/target/runtime-classpath.txt")).read().strip()
    argv = [f"{k}={v}" for k, v in args.items()] if isinstance(args, dict) else list(args)
    cmd = ["java", heap, "-Dorg.bytedeco.javacpp.cachedir=" + os.path.join(ROOT, ".cache/javacpp"),
           "-cp", os.path.join(ROOT, "model/target/classes") + ":" + cp, main_class, *argv]
    out = subprocess.run(cmd, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"), capture_output=True, text=True, check=True)
    return json.loads([l for l in out.stdout.splitlines() if l.startswith("{")][-1])


def cli_json(args, what=None):
    """Runs `bin/contrastream ARGS...`, echoing the command on stderr, and returns the last JSON line it printed; exits
    with the command's stderr tail when it fails."""
    cmd = [os.path.join(ROOT, "bin/contrastream"), *args]
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
