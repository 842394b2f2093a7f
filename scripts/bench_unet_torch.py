#!/usr/bin/env python3
"""Time diffusers' UNet2DConditionModel in PyTorch with the shapes of `mosaic-bench unet`.

SD 1.5-shaped UNet (block_out_channels 320/640/1280/1280, layers_per_block 2,
attention_head_dim 8, cross_attention_dim 768; random weights), a 64x64 latent at batch 2,
77x768 encoder states, fp32, on the CPU with the same thread count as Mosaic (2).

    /work/venv-ref/bin/python scripts/bench_unet_torch.py                  # PyTorch only
    /work/venv-ref/bin/python scripts/bench_unet_torch.py --mosaic-seconds 6.9
    /work/venv-ref/bin/python scripts/bench_unet_torch.py --run-mosaic     # runs mosaic-bench unet too
    /work/venv-ref/bin/python scripts/bench_unet_torch.py --run-mosaic --rounds 2   # alternated, best of each

Prints the best of --runs timed passes (after one warm-up), GFLOP/s with Mosaic's analytic
FLOP count when Mosaic runs, and the Mosaic/PyTorch time ratio (below 1: Mosaic is faster).
"""
import argparse
import os
import re
import subprocess
import time


def torch_seconds(threads, runs, side, batch):
    import torch
    from diffusers import UNet2DConditionModel

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=side, in_channels=4, out_channels=4,
        block_out_channels=(320, 640, 1280, 1280), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        attention_head_dim=8, cross_attention_dim=768).eval()
    params = sum(p.numel() for p in unet.parameters())
    sample = torch.randn(batch, 4, side, side)
    states = torch.randn(batch, 77, 768)
    times = []
    with torch.inference_mode():
        for i in range(runs + 1):
            t0 = time.perf_counter()
            unet(sample, 500, encoder_hidden_states=states)
            dt = time.perf_counter() - t0
            print(f"torch: pass {i}{' (warm-up)' if i == 0 else ''}: {dt:.2f} s", flush=True)
            if i > 0:
                times.append(dt)
    print(f"torch {torch.__version__}: {params / 1e6:.1f} M parameters, {threads} threads, "
          f"{side}x{side} latent, batch {batch}: best {min(times):.2f} s")
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--mosaic-seconds", type=float, help="Mosaic's time for the same pass")
    parser.add_argument("--run-mosaic", action="store_true", help="run .build/release/mosaic-bench unet first")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --run-mosaic: alternate Mosaic and PyTorch this many times, keep the best of each")
    args = parser.parse_args()

    mosaic = args.mosaic_seconds
    tflop = None
    seconds = float("inf")
    for _ in range(max(1, args.rounds) if args.run_mosaic else 1):
        if args.run_mosaic:
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            env = dict(os.environ, MOSAIC_BENCH_UNET_RUNS=str(args.runs), MOSAIC_BENCH_THREADS=str(args.threads),
                       MOSAIC_BENCH_UNET_SIZE=str(args.size), MOSAIC_BENCH_UNET_BATCH=str(args.batch))
            out = subprocess.run([os.path.join(root, ".build/release/mosaic-bench"), "unet"], env=env,
                                 capture_output=True, text=True, check=True).stdout
            print(out, end="", flush=True)
            m = re.search(r"threads: best ([0-9.]+) s, ([0-9.]+) TFLOP", out)
            if m:
                mosaic = min(mosaic or float("inf"), float(m.group(1)))
                tflop = float(m.group(2))
        seconds = min(seconds, torch_seconds(args.threads, args.runs, args.size, args.batch))
    if tflop:
        print(f"torch: {tflop * 1e3 / seconds:.1f} GFLOP/s (Mosaic's FLOP count, {tflop:.3f} TFLOP)")
    if mosaic:
        print(f"Mosaic {mosaic:.2f} s, PyTorch {seconds:.2f} s: Mosaic/PyTorch time ratio {mosaic / seconds:.2f}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
