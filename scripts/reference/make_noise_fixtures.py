#!/usr/bin/env python3
"""Write the reference fixtures for Mosaic's `TorchGenerator` (seeded Gaussian noise).

What it writes
--------------
Into ``Tests/MosaicDiffusionTests/Fixtures/noise/`` (relative to the repository root):

* ``index.json`` -- the torch version, the CPU capability torch dispatched to, the
  machine, and one entry per *case*.  A case is a fresh
  ``torch.Generator("cpu").manual_seed(seed)`` followed by one or more
  ``torch.randn(shape, generator=g, dtype=torch.float32)`` draws from that same
  generator, plus the generator's state after the last draw.
* ``<case>_<k>.bin`` -- draw ``k`` of a case: ``numel`` raw little-endian IEEE-754
  float32 values, flattened in C (row-major) order.  Bit patterns are stored
  exactly; nothing is rounded through text.
* ``<case>_state.bin`` -- the 624 Mersenne Twister words after the last draw, as
  little-endian uint32 (taken from ``g.get_state()``).  ``index.json`` carries the
  rest of that state: torch's ``left``/``next`` counters and the cached double
  normal sample that the scalar (numel < 16) path keeps between calls.

Seeds are written as decimal strings so that 64-bit values survive every JSON
reader.  ``manual_seed`` accepts any integer in [-2**63, 2**64): negative seeds are
taken modulo 2**64, and the Mersenne Twister only uses the low 32 bits, so
2**32 + 7 draws exactly what 7 draws (``initial_seed()`` still reports the full
value).

Generated with torch 2.15.0+cu132 (CPU capability AVX2) on an AMD EPYC with
AVX2+FMA and no AVX-512.  torch's float32 kernel depends on the CPU capability
(AVX2 uses avx_mathfun's polynomials, the DEFAULT build uses libm), so fixtures
made on another machine class can differ; the script refuses to overwrite them
from a non-AVX2 torch unless --force is given.

Usage::

    /work/venv-ref/bin/python scripts/reference/make_noise_fixtures.py [--force]
"""

import argparse
import json
import platform
import struct
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "MosaicDiffusionTests" / "Fixtures" / "noise"

SEEDS = [0, 1, 42, 2**32 - 1, 2**32 + 7, 2**63 + 12345]
SHAPES = [(1, 4, 8, 8), (1, 4, 13, 9), (1, 4, 64, 96)]

# Multi-draw cases from one generator: (name, seed, [shapes]).
SEQUENCES = [
    # Latents, then per-step noise of other sizes (two not multiples of 16).
    ("seq_mixed", 42, [(1, 4, 13, 9), (2, 3, 7, 5), (1, 4, 8, 8)]),
    # The scalar double path (numel < 16) caches one Box-Muller sample in the
    # generator; the float path leaves that cache alone, so it survives.
    ("seq_scalar_cache", 7, [(3,), (5,), (1, 4, 8, 8), (2,), (1,)]),
    # Edges of the float path: exactly 16, 17 (tail refill), 31, 32.
    ("seq_edges", 2**63 + 12345, [(16,), (17,), (31,), (32,)]),
]
# Single small draws exercising the scalar path on fresh generators.
SMALL = [(0, (1,)), (0, (15,)), (2**32 - 1, (3, 5)), (123, (0,))]

# torch's CPUGeneratorImplState (x86-64 layout): legacy pod, then float cache.
STATE_SIZE = 5056
WORDS_OFFSET = 24
DOUBLE_CACHE_OFFSET = WORDS_OFFSET + 624 * 8  # normal_x, normal_y, normal_rho, is_valid
FLOAT_CACHE_OFFSET = 5048


def shape_tag(shape):
    return "x".join(str(d) for d in shape) if shape else "scalar"


def generator_state(g):
    raw = bytes(g.get_state().numpy())
    if len(raw) != STATE_SIZE:
        sys.exit(f"unexpected CPU generator state size {len(raw)} (expected {STATE_SIZE})")
    initial_seed, left, seeded, next_ = struct.unpack_from("<QiiQ", raw, 0)
    words = struct.unpack_from("<624Q", raw, WORDS_OFFSET)
    _, normal_y, _, normal_valid = struct.unpack_from("<dddi", raw, DOUBLE_CACHE_OFFSET)
    float_cache, float_valid = struct.unpack_from("<f?", raw, FLOAT_CACHE_OFFSET)
    return {
        "initial_seed": str(initial_seed),
        "left": left,
        "next": next_,
        "words": [w & 0xFFFFFFFF for w in words],
        "double_normal_valid": bool(normal_valid),
        "double_normal_bits": "%016x" % struct.unpack("<Q", struct.pack("<d", normal_y))[0],
        "float_normal_valid": bool(float_valid),
    }


def write_case(name, seed, shapes):
    g = torch.Generator("cpu").manual_seed(seed)
    draws = []
    for k, shape in enumerate(shapes):
        t = torch.randn(shape, generator=g, dtype=torch.float32)
        data = t.contiguous().numpy().astype("<f4").tobytes()
        fname = f"{name}_{k}.bin"
        (OUT / fname).write_bytes(data)
        draws.append({"shape": list(shape), "numel": t.numel(), "file": fname})
    state = generator_state(g)
    state_file = f"{name}_state.bin"
    (OUT / state_file).write_bytes(struct.pack("<624I", *state.pop("words")))
    state["words_file"] = state_file
    return {"name": name, "seed": str(seed), "draws": draws, "state_after": state}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="write even if torch is not on AVX2")
    args = parser.parse_args()
    capability = torch.backends.cpu.get_cpu_capability()
    if capability != "AVX2" and not args.force:
        sys.exit(f"torch dispatches to {capability}, not AVX2; refusing to overwrite (use --force)")

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()

    cases = []
    for seed in SEEDS:
        for shape in SHAPES:
            cases.append(write_case(f"seed{seed}_{shape_tag(shape)}", seed, [shape]))
    for seed, shape in SMALL:
        cases.append(write_case(f"small_seed{seed}_{shape_tag(shape)}", seed, [shape]))
    for name, seed, shapes in SEQUENCES:
        cases.append(write_case(name, seed, shapes))

    index = {
        "generated_by": "scripts/reference/make_noise_fixtures.py",
        "torch_version": torch.__version__,
        "cpu_capability": capability,
        "cpu_model": cpu_model(),
        "python_version": platform.python_version(),
        "format": "each draw file is numel little-endian float32 values in C order; "
                  "state words_file is 624 little-endian uint32 Mersenne Twister words",
        "cases": cases,
    }
    (OUT / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(cases)} cases, {total} bytes, to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
