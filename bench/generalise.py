"""Writes the three datasets of bench/generalise as IDX files, runs `contrastream bench-quality` on each with the job's
defaults, and records bench/results/generalisation.json and the table in BENCHMARKS.md."""
import datetime, gzip, json, math, os, random, struct, sys

from benchlib import ROOT, cli_json, replace_block, steps

DATA = os.path.join(ROOT, ".data/generalise")
SKLEARN = "/usr/lib/python3/dist-packages/sklearn/datasets/data"


def write_idx(path, rows, shape, floats):
    """rows: lists of numbers; an IDX file of unsigned bytes or of big-endian floats, dims [n, *shape]."""
    with open(path, "wb") as f:
        f.write(struct.pack(">i", (0x0D if floats else 0x08) << 8 | (1 + len(shape))))
        f.write(struct.pack(">" + "i" * (1 + len(shape)), len(rows), *shape))
        for r in rows:
            f.write(struct.pack(f">{len(r)}f", *r) if floats else bytes(r))


def write_labels(path, labels):
    with open(path, "wb") as f:
        f.write(struct.pack(">ii", 0x801, len(labels)) + bytes(labels))


def split(name, rows, labels, shape, floats, cut):
    os.makedirs(os.path.join(DATA, name), exist_ok=True)
    for part, sl in (("train", slice(0, cut)), ("test", slice(cut, None))):
        write_idx(os.path.join(DATA, name, f"{part}-x.idx"), rows[sl], shape, floats)
        write_labels(os.path.join(DATA, name, f"{part}-y.idx"), labels[sl])
    return cut


def digits():
    """UCI optical digits (1,797 8×8 images, values 0..16 scaled to bytes), first 75 % train, in file order."""
    rows = [list(map(int, l.split(","))) for l in gzip.open(f"{SKLEARN}/digits.csv.gz", "rt") if l.strip()]
    return split("digits", [[min(255, v * 16) for v in r[:64]] for r in rows], [r[64] for r in rows], [8, 8], False,
                 len(rows) * 3 // 4), "UCI optical digits 8×8 (sklearn copy), images [1,8,8]"


def tabular():
    """Wisconsin diagnostic breast cancer (569 × 30 features, 2 classes), shuffled with seed 42, 75 % train."""
    lines = open(f"{SKLEARN}/breast_cancer.csv").read().split("\n")[1:]
    rows = [[float(v) for v in l.split(",")] for l in lines if l.strip()]
    random.Random(42).shuffle(rows)
    return split("tabular", [r[:30] for r in rows], [int(r[30]) for r in rows], [30], True,
                 len(rows) * 3 // 4), "Wisconsin breast cancer (sklearn copy), vectors [30], features from 0.001 to 4,254"


def sensor(n=4000, channels=3, length=64, seed=42):
    """Six classes, 3 dominant frequencies × 2 kinds of motion (steady, or amplitude-modulated), on three channels with
    their own scales and offsets (like an accelerometer, a gyroscope and a magnetometer), each under a random phase, a
    random interfering tone, a slow drift and noise: raw windows of one class do not line up, so raw kNN is weak."""
    rng = random.Random(seed)
    gains, offsets = [1.0, 0.3, 50.0], [9.8, 0.0, -200.0]
    rows, labels = [], []
    for i in range(n):
        k = rng.randrange(6)
        freq, modulated = (2.0, 3.5, 5.0)[k % 3], k >= 3
        phase, amp = rng.random(), rng.uniform(0.5, 1.0)
        tone_f, tone_p, tone_a = rng.uniform(1, 8), rng.random(), rng.uniform(0.2, 0.6)
        row = []
        for c in range(channels):
            drift, mix = rng.gauss(0, 0.5), (1.0, 0.6, 0.3)[c]
            for t in range(length):
                u = t / length
                env = 0.5 * (1 + math.sin(2 * math.pi * (1.5 * u + phase))) if modulated else 1.0
                v = mix * amp * env * math.sin(2 * math.pi * (freq * u + phase + 0.15 * c))
                v += tone_a * math.sin(2 * math.pi * (tone_f * u + tone_p + 0.3 * c)) + drift * u + rng.gauss(0, 0.3)
                row.append(offsets[c] + gains[c] * v)
        rows.append(row)
        labels.append(k)
    return split("sensor", rows, labels, [channels, length], True, n * 3 // 4), \
        f"generated sensor windows [{channels},{length}], 6 classes (3 frequencies × steady or modulated) under interference"


def run(name):
    d = os.path.join(DATA, name)
    args = ["bench-quality", "--rate", "100",
            "--train-images", f"{d}/train-x.idx", "--train-labels", f"{d}/train-y.idx",
            "--test-images", f"{d}/test-x.idx", "--test-labels", f"{d}/test-y.idx",
            "--work-dir", os.path.join(ROOT, ".data/bench-generalise-" + name)]
    if name == "sensor":
        args += ["--item-shape", "3,64"]   # how to read the rank-3 file's items (else [1,H,W] images), not a model option
    return cli_json(args, f"bench-quality on {name}")


def scores(s):
    return {"knn20": s["knn20"], "knn200": s["knn200"], "linear": s["linear_probe"]}


def main():
    only = os.environ.get("GENERALISE_ONLY")
    rows = []
    steps.plan(1 if only else 3)
    for name, make in (("digits", digits), ("tabular", tabular), ("sensor", sensor)):
        if only and only != name:
            continue
        samples, description = make()
        r = run(name)
        ev = r["evaluation"]
        row = {"name": name, "dataset": description, "samples": samples, "test_samples": ev["test_samples"],
               "steps": ev["step"], "encoder_version": ev["encoder_version"], "architecture": ev["config"]["architecture"],
               "trained": scores(ev["trained"]), "random": scores(ev["random_encoder"]), "raw": scores(ev["raw_pixels"]),
               "wall_seconds": r["wall_seconds"]}
        print(json.dumps(row), flush=True)
        rows.append(row)
    if only:
        return 0
    date = datetime.date.today().isoformat()
    json.dump({"date": date, "command": "bench/generalise", "datasets": rows},
              open(os.path.join(ROOT, "bench/results/generalisation.json"), "w"), indent=2)
    lines = ["<!-- generalise:begin (written by bench/generalise) -->",
             f"{date}, command `bench/generalise`: each dataset streamed once at 100 samples/s through the job with no "
             "model, augmentation or training option set; % on the held-out split (kNN bank: the training split). "
             "Random: an encoder of the same shape, untrained, behind the same input standardisation.", "",
             "| dataset | samples | steps | encoder | kNN-20 trained / random / raw | kNN-200 trained / random / raw | linear trained / random / raw |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        cell = lambda k: f"**{r['trained'][k]:.2f}** / {r['random'][k]:.2f} / {r['raw'][k]:.2f}"
        lines.append(f"| {r['dataset']} | {r['samples']:,} | {r['steps']} | {r['architecture']} | {cell('knn20')} | "
                     f"{cell('knn200')} | {cell('linear')} |")
    lines.append("<!-- generalise:end -->")
    replace_block("generalise", "\n".join(lines), "## Generalisation with defaults (issue 16): `bench/generalise`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
