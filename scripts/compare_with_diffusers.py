#!/usr/bin/env python3
"""Compare Mosaic with diffusers on a Stable Diffusion model you have (real weights or not).

For each sampler, renders the same prompt, negative prompt, size, steps, guidance scale and seed
twice: with diffusers' StableDiffusionPipeline (the scheduler swapped as below, noise from
torch.Generator("cpu").manual_seed(seed)) and with `mosaicd render --model PATH` untiled (one
tile covering the canvas, lossless WebP). Prints, per sampler, how far the 8-bit images are apart
(largest difference, share of channel values within 2/255, PSNR) and both wall times.

    /work/venv-ref/bin/python scripts/compare_with_diffusers.py --model /srv/models/stable-diffusion-v1-5
    /work/venv-ref/bin/python scripts/compare_with_diffusers.py --model v1-5-pruned-emaonly.safetensors \\
        --samplers dpmpp_2m --steps 20 --json

A model is a diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/,
scheduler/) or one original-layout .safetensors file, as Mosaic takes it. Single files are loaded
in diffusers with from_single_file, which needs the model's config: give --config with a diffusers
folder or Hub id of the same architecture when it cannot be found offline.

Needs torch, diffusers, transformers and Pillow (scripts/sd_fixtures/requirements.txt pins the
versions the fixtures were made with) and a built mosaicd (`swift build -c release --product
mosaicd`). Exit status: 0 when every sampler agrees within 2/255 on at least 99.9% of the
values (the bar of the fixture tests), 1 when one does not, 2 on bad arguments or a failed run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Mosaic's sampler names and the diffusers schedulers they are (as in the fixtures).
SCHEDULERS = {
    "ddim": ("DDIMScheduler", dict(clip_sample=False, set_alpha_to_one=False)),
    "euler": ("EulerDiscreteScheduler", dict()),
    "euler_a": ("EulerAncestralDiscreteScheduler", dict()),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", dict()),
    "dpmpp_2m_karras": ("DPMSolverMultistepScheduler", dict(use_karras_sigmas=True)),
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="diffusers folder or original-layout .safetensors file")
    parser.add_argument("--config", help="for a single file: diffusers folder or Hub id with its configuration")
    parser.add_argument("--prompt", default="a lighthouse on a cliff, stormy sea, oil painting")
    parser.add_argument("--negative-prompt", default="blurry, low quality")
    parser.add_argument("--width", type=int, default=512, help="a multiple of 8 (default 512)")
    parser.add_argument("--height", type=int, default=512, help="a multiple of 8 (default 512)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--guidance", type=float, default=7.5)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--samplers", default=",".join(SCHEDULERS),
                        help="comma-separated, from: " + ", ".join(SCHEDULERS) + " (default: all)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="for both (default: all cores)")
    parser.add_argument("--mosaicd", default=str(REPO / ".build/release/mosaicd"), help="the mosaicd binary")
    parser.add_argument("--out", help="keep both images of each sampler here (PNG and WebP)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    samplers = [s for s in args.samplers.split(",") if s]
    unknown = [s for s in samplers if s not in SCHEDULERS]
    problems = []
    if unknown:
        problems.append(f"unknown sampler(s) {', '.join(unknown)}; valid: {', '.join(SCHEDULERS)}")
    if args.width % 8 or args.height % 8 or min(args.width, args.height) < 64:
        problems.append("--width and --height must be multiples of 8, at least 64")
    if not Path(args.model).exists():
        problems.append(f"no model at {args.model}")
    if not os.access(args.mosaicd, os.X_OK):
        problems.append(f"no mosaicd at {args.mosaicd} (swift build -c release --product mosaicd, or --mosaicd PATH)")
    if problems:
        parser.error("; ".join(problems))
    args.samplers = samplers
    return args


def load_pipeline(args):
    import torch
    from diffusers import StableDiffusionPipeline

    torch.set_num_threads(args.threads)
    if Path(args.model).is_dir():
        pipe = StableDiffusionPipeline.from_pretrained(args.model, torch_dtype=torch.float32, safety_checker=None)
        pipe.set_progress_bar_config(disable=True)
        return pipe
    extra = {"config": args.config} if args.config else {}
    pipe = StableDiffusionPipeline.from_single_file(args.model, torch_dtype=torch.float32, **extra)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def diffusers_image(pipe, args, sampler):
    import diffusers
    import numpy as np
    import torch

    name, extra = SCHEDULERS[sampler]
    base = dict(pipe.scheduler.config)
    pipe.scheduler = getattr(diffusers, name).from_config(base, **extra)
    started = time.perf_counter()
    with torch.inference_mode():
        image = pipe(prompt=args.prompt, negative_prompt=args.negative_prompt, width=args.width,
                     height=args.height, num_inference_steps=args.steps, guidance_scale=args.guidance,
                     output_type="np", generator=torch.Generator("cpu").manual_seed(args.seed)).images[0]
    seconds = time.perf_counter() - started
    # What diffusers' numpy_to_pil does.
    return (image * 255).round().astype(np.uint8), seconds


def mosaic_image(args, sampler, path):
    import numpy as np
    from PIL import Image

    tile = max(args.width, args.height) // 8
    command = [args.mosaicd, "render", "--model", args.model, "--prompt", args.prompt,
               "--negative-prompt", args.negative_prompt, "--width", str(args.width), "--height", str(args.height),
               "--steps", str(args.steps), "--sampler", sampler, "--guidance", str(args.guidance),
               "--seed", str(args.seed), "--tiling", "none", "--tile-size", str(tile),
               "--threads", str(args.threads), "--lossless", "-o", str(path), "--json"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"compare_with_diffusers: mosaicd failed ({result.returncode}): {result.stderr.strip()}\n"
                 f"command: {' '.join(command)}")
    return np.asarray(Image.open(path).convert("RGB")), seconds


def compare(reference, candidate):
    import numpy as np

    if reference.shape != candidate.shape:
        return {"error": f"shapes differ: diffusers {reference.shape}, mosaic {candidate.shape}"}
    difference = np.abs(reference.astype(np.int16) - candidate.astype(np.int16))
    mse = float(np.mean(difference.astype(np.float64) ** 2))
    return {
        "max_difference": int(difference.max()),
        "within_2_of_255": float(np.mean(difference <= 2)),
        "psnr_db": float("inf") if mse == 0 else float(10 * np.log10(255 ** 2 / mse)),
    }


def main():
    args = parse_arguments()
    from PIL import Image

    pipe = load_pipeline(args)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="mosaic-compare-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for sampler in args.samplers:
        reference, torch_seconds = diffusers_image(pipe, args, sampler)
        Image.fromarray(reference).save(out / f"{sampler}-diffusers.png")
        candidate, mosaic_seconds = mosaic_image(args, sampler, out / f"{sampler}-mosaic.webp")
        row = {"sampler": sampler, "diffusers_seconds": round(torch_seconds, 2),
               "mosaic_seconds": round(mosaic_seconds, 2), **compare(reference, candidate)}
        row["agrees"] = "error" not in row and row["within_2_of_255"] >= 0.999
        rows.append(row)
        if not args.json:
            if "error" in row:
                print(f"{sampler:16} {row['error']}")
            else:
                print(f"{sampler:16} max |diff| {row['max_difference']:3d}/255, within 2/255: "
                      f"{100 * row['within_2_of_255']:.3f}%, PSNR {row['psnr_db']:.1f} dB, "
                      f"diffusers {torch_seconds:.1f} s, mosaicd {mosaic_seconds:.1f} s (whole process)"
                      f"{'' if row['agrees'] else '  <- differs'}")
    agrees = all(row["agrees"] for row in rows)
    summary = {"model": args.model, "width": args.width, "height": args.height, "steps": args.steps,
               "guidance": args.guidance, "seed": args.seed, "threads": args.threads,
               "images": str(out) if args.out else None, "samplers": rows, "agrees": agrees}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print("all samplers agree within 2/255 on >= 99.9% of values" if agrees
              else "some samplers differ (see above)")
    if not args.out:
        for file in out.iterdir():
            file.unlink()
        out.rmdir()
    return 0 if agrees else 1


if __name__ == "__main__":
    sys.exit(main())
