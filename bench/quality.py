"""Runs `contrastream bench-quality` with replay on and off and records the results (see bench/quality)."""
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import ROOT, cli_json, steps  # noqa: E402

RATE = os.environ.get("BENCH_RATE", "100")
REPLAY = os.environ.get("BENCH_REPLAY", "64")   # at most this many replay steps per stream step (idle mode): the job's default
LIMIT = os.environ.get("BENCH_LIMIT")
# The job's defaults for the model (issue 16: conv3x3-32, pool, conv3x3-64, pool, fc512; projection head 512 -> 128;
# MoCo v2, K 4096, m 0.99, tau 0.2, Adam 1e-3; idle replay), with the protocol's batch of 256. A stream batch waits
# up to 5 s: at 100 samples/s 256 samples take 2.6 s, and the default 2 s timeout would cut every batch short.
ARGS = ["--batch-size", "256", "--batch-timeout-ms", "5000", "--drift-window", "5000",
        "--rate", RATE] + (["--limit", LIMIT] if LIMIT else [])
KEYS = ("knn200", "knn20", "linear_probe")


def run(replay):
    return cli_json(["bench-quality", *ARGS, "--replay-ratio", str(replay),
                     "--work-dir", os.path.join(ROOT, ".data/bench-quality-replay-" + str(replay))],
                    f"bench-quality, replay {replay}")


def main():
    steps.plan(2)
    on = run(REPLAY)
    off = run(0)
    ev = on["evaluation"]
    result = {
        "date": datetime.date.today().isoformat(),
        "command": "bench/quality" + (f" (BENCH_RATE={RATE} BENCH_REPLAY={REPLAY})" if RATE != "100" or REPLAY != "64" else ""),
        "bench_quality_args": " ".join(ARGS),
        **{k: ev["trained"][k] for k in KEYS},
        "raw_pixels": ev["raw_pixels"],
        "random_encoder": ev["random_encoder"],
        "samples": on["samples"],
        "wall_seconds": on["wall_seconds"],
        "samples_per_s": on["samples_per_s"],
        "arrival_rate": float(RATE),
        "replay_ratio": float(REPLAY),
        "replay_mode": "idle",
        "encoder_version": ev["encoder_version"],
        "learner_steps": ev["step"],
        "config": ev["config"],
        "no_replay": {**{k: off["evaluation"]["trained"][k] for k in KEYS}, "wall_seconds": off["wall_seconds"],
                      "learner_steps": off["evaluation"]["step"]},
    }
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench/results/fashion-mnist.json"), "w") as f:
        json.dump(result, f, indent=2)
    write_markdown(result)
    print(json.dumps(result))


def write_markdown(r):
    def row(name, m):
        return f"| {name} | {m['knn200']:.2f} | {m['knn20']:.2f} | {m['linear_probe']:.2f} |"
    nr = r["no_replay"]
    lines = ["<!-- quality:begin (written by bench/quality) -->",
             f"{r['date']}, command `{r['command']}` (bench-quality {r['bench_quality_args']}). One pass over the "
             f"{r['samples']:,} training images at {r['arrival_rate']:.0f} samples/s through a real broker and the "
             "MiniCluster; accuracies in % on the 10,000 test images (features before the projection head; kNN bank = "
             "the training images, votes weighted by exp(cos/0.07); linear probe on z-scored features, 30 epochs).", "",
             "| features | kNN-200 | kNN-20 | linear probe |", "|---|---|---|---|",
             row("raw pixels", r["raw_pixels"]), row("random CNN (same architecture)", r["random_encoder"]),
             row(f"MoCo v2 CNN, one pass, replay off ({nr['learner_steps']} steps)", nr),
             row(f"MoCo v2 CNN, one pass, idle replay (at most {r['replay_ratio']:g} per step; {r['learner_steps']} steps)", r), "",
             f"Wall time of the replay run: {r['wall_seconds']:.0f} s for {r['samples']:,} samples "
             f"({r['samples_per_s']:.1f} samples/s, paced by the producer); replay off: {nr['wall_seconds']:.0f} s.",
             "<!-- quality:end -->"]
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read()
    block = "\n".join(lines)
    if "<!-- quality:begin" in text:
        text = re.sub(r"<!-- quality:begin.*?<!-- quality:end -->", lambda _: block, text, flags=re.S)
    else:
        text += "\n## Fashion-MNIST, one pass (issue 3): `bench/quality`\n\n" + block + "\n"
    open(path, "w").write(text)


if __name__ == "__main__":
    sys.exit(main())
