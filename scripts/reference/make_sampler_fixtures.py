#!/usr/bin/env python3
"""Reference fixtures for Mosaic's diffusion samplers (MosaicDiffusion), produced by diffusers.

Generated with diffusers 0.42.1, torch 2.15.0 (CPU), numpy 2.4.6, Python 3 (the versions are
also recorded in every file under "generator"). Re-run with:

    /work/venv-ref/bin/python scripts/reference/make_sampler_fixtures.py

It writes, into Tests/MosaicDiffusionTests/Fixtures/samplers/:

  schedule.json   the SD 1.5 training schedule as diffusers builds it (float32): betas,
                  alphas_cumprod and the k-diffusion sigmas sqrt((1 - abar) / abar) for all
                  1000 train timesteps.
  <kind>.json     for kind in ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras: the diffusers
                  scheduler class and config, and one "run" per step count (1, 2, 10, 25, 30;
                  also 50 for dpmpp_2m_karras). A run records scheduler.timesteps,
                  scheduler.sigmas (DDIM has none: there we record alphas_cumprod at each
                  timestep and at the step's target, and the derived float64 sigmas),
                  init_noise_sigma, and a full trajectory on a small latent: the seeded
                  initial noise, the seeded pseudo-random model outputs fed at every step, the
                  output of scale_model_input at every step and the output of step() at every
                  step. The 10-step runs use shape (1, 4, 8, 8), the others (1, 4, 4, 4).
                  euler_a runs also record the noise tensors diffusers drew inside step() from
                  torch.Generator("cpu").manual_seed(EULER_A_NOISE_SEED); they are regenerated
                  with an identical generator and torch.randn of the same shape, in the same
                  order, and this script checks that replaying them through diffusers
                  reproduces the generator-driven trajectory bit for bit.
  spacing.json    scheduler.timesteps / scheduler.sigmas / init_noise_sigma for every kind
                  under timestep_spacing "leading", "trailing" and "linspace" and many step
                  counts (up to 1000), or the error diffusers raises for that count.

Encoding: every float32 array is one string of 8 hex digits per value (the big-endian IEEE
bit pattern), so values are exact. Scalars and timesteps are JSON numbers (float32 values
written as the repr of the equal float64, which round-trips exactly).
"""

import json
import math
import os
import platform
import sys

import diffusers
import numpy as np
import torch
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
)
import diffusers.schedulers.scheduling_euler_ancestral_discrete as euler_a_module

OUT_DIR = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "MosaicDiffusionTests", "Fixtures", "samplers"
)

# SD 1.5's scheduler config (runwayml/stable-diffusion-v1-5, scheduler/scheduler_config.json).
SD15 = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    timestep_spacing="leading",
    steps_offset=1,
    prediction_type="epsilon",
)

KINDS = {
    "ddim": (DDIMScheduler, dict(set_alpha_to_one=False, clip_sample=False)),
    "euler": (EulerDiscreteScheduler, {}),
    "euler_a": (EulerAncestralDiscreteScheduler, {}),
    "dpmpp_2m": (
        DPMSolverMultistepScheduler,
        dict(algorithm_type="dpmsolver++", solver_order=2, lower_order_final=True, final_sigmas_type="zero"),
    ),
    "dpmpp_2m_karras": (
        DPMSolverMultistepScheduler,
        dict(
            algorithm_type="dpmsolver++",
            solver_order=2,
            lower_order_final=True,
            final_sigmas_type="zero",
            use_karras_sigmas=True,
        ),
    ),
}

STEP_COUNTS = [1, 2, 10, 25, 30]
EXTRA_STEP_COUNTS = {"dpmpp_2m_karras": [50]}
SPACING_STEP_COUNTS = [1, 2, 3, 7, 10, 25, 50, 100]
# Large counts cost fixture size; they are kept where diffusers has edge cases: "leading" at
# 998/999/1000 steps degenerates for some schedulers, and "trailing"'s float step_ratio makes
# numpy's arange yield one timestep too many at 61 and 103 steps.
SPACING_EXTRA_STEP_COUNTS = {"leading": [500, 998, 999, 1000], "trailing": [61, 103, 333, 999], "linspace": [333]}
INITIAL_NOISE_SEED = 20240601
MODEL_OUTPUT_SEED = 777
EULER_A_NOISE_SEED = 4242


def generator_info():
    return {
        "script": "scripts/reference/make_sampler_fixtures.py",
        "diffusers": diffusers.__version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def f32hex(values):
    """float32 array -> hex string, 8 hex digits (big-endian bit pattern) per value."""
    a = np.ascontiguousarray(np.asarray(values, dtype=np.float32).reshape(-1))
    return a.astype(">f4").tobytes().hex()


def num(x):
    """A float32 / float64 / int scalar as an exact JSON number."""
    x = x.item() if hasattr(x, "item") else x
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return x  # keep 1.0 as 1.0 (json writes it with a ".0")
    return x


def make_scheduler(kind, **overrides):
    cls, extra = KINDS[kind]
    cfg = dict(SD15)
    cfg.update(extra)
    cfg.update(overrides)
    return cls(**cfg), cfg


def ddim_alphas(sched, timesteps):
    """alphas_cumprod at each timestep and at each step's target (prev_timestep), as DDIMScheduler.step."""
    n = sched.num_inference_steps
    at, aprev = [], []
    for t in timesteps:
        t = int(t)
        prev = t - sched.config.num_train_timesteps // n
        at.append(sched.alphas_cumprod[t])
        aprev.append(sched.alphas_cumprod[prev] if prev >= 0 else sched.final_alpha_cumprod)
    return at, aprev


def sigma_of(abar):
    a = float(abar)
    return math.sqrt((1.0 - a) / a)


def run_trajectory(kind, steps, shape, noise_override=None):
    """Runs diffusers the way StableDiffusionPipeline drives a scheduler; returns the record."""
    sched, cfg = make_scheduler(kind)
    sched.set_timesteps(steps)
    timesteps = sched.timesteps
    assert len(timesteps) == steps
    # The pipeline never calls set_begin_index; make sure index_for_timestep picks index 0.
    assert int((timesteps == timesteps[0]).sum()) == 1

    g_init = torch.Generator("cpu").manual_seed(INITIAL_NOISE_SEED + steps)
    initial_noise = torch.randn(shape, generator=g_init, dtype=torch.float32)
    g_model = torch.Generator("cpu").manual_seed(MODEL_OUTPUT_SEED + steps)
    model_outputs = [torch.randn(shape, generator=g_model, dtype=torch.float32) for _ in range(steps)]

    sample = initial_noise * sched.init_noise_sigma
    g_step = torch.Generator("cpu").manual_seed(EULER_A_NOISE_SEED + steps)
    scaled_inputs, outputs = [], []
    for i, t in enumerate(timesteps):
        scaled = sched.scale_model_input(sample, t)
        scaled_inputs.append(scaled.clone())
        kwargs = {}
        if kind == "ddim":
            kwargs = dict(eta=0.0, generator=g_step)
        elif kind in ("euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"):
            kwargs = dict(generator=g_step)
        sample = sched.step(model_outputs[i], t, sample, **kwargs).prev_sample
        outputs.append(sample.clone())

    run = {
        "steps": steps,
        "shape": list(shape),
        "timesteps": [num(t) for t in timesteps],
        "init_noise_sigma": num(torch.as_tensor(sched.init_noise_sigma, dtype=torch.float32)),
        "initial_noise_seed": INITIAL_NOISE_SEED + steps,
        "model_output_seed": MODEL_OUTPUT_SEED + steps,
        "initial_noise": f32hex(initial_noise),
        "model_outputs": [f32hex(m) for m in model_outputs],
        "scaled_inputs": [f32hex(s) for s in scaled_inputs],
        "outputs": [f32hex(o) for o in outputs],
    }
    if kind == "ddim":
        at, aprev = ddim_alphas(sched, timesteps)
        run["alpha_prod_t"] = f32hex(torch.stack(at))
        run["alpha_prod_t_prev"] = f32hex(torch.stack([torch.as_tensor(a) for a in aprev]))
        # The noise level of the model input at each step plus that of the final output.
        run["sigmas_float64"] = [sigma_of(a) for a in at] + [sigma_of(aprev[-1])]
    else:
        run["sigmas"] = f32hex(sched.sigmas)
    if kind == "euler_a":
        # Regenerate exactly what diffusers drew: one randn_tensor(model_output.shape, ...) per step.
        g_replay = torch.Generator("cpu").manual_seed(EULER_A_NOISE_SEED + steps)
        drawn = [torch.randn(shape, generator=g_replay, dtype=torch.float32) for _ in range(steps)]
        run["step_noise_seed"] = EULER_A_NOISE_SEED + steps
        run["step_noise"] = [f32hex(n) for n in drawn]
        check_euler_a_replay(steps, shape, initial_noise, model_outputs, drawn, outputs)
    return run


def check_euler_a_replay(steps, shape, initial_noise, model_outputs, drawn, expected_outputs):
    """Feeds the recorded noise through diffusers instead of the generator; outputs must match exactly."""
    queue = list(drawn)
    original = euler_a_module.randn_tensor

    def replay(shape_, **kwargs):
        assert tuple(shape_) == tuple(shape)
        return queue.pop(0)

    euler_a_module.randn_tensor = replay
    try:
        sched, _ = make_scheduler("euler_a")
        sched.set_timesteps(steps)
        sample = initial_noise * sched.init_noise_sigma
        for i, t in enumerate(sched.timesteps):
            sched.scale_model_input(sample, t)
            sample = sched.step(model_outputs[i], t, sample).prev_sample
            assert torch.equal(sample, expected_outputs[i]), f"euler_a replay differs at step {i}"
    finally:
        euler_a_module.randn_tensor = original
    assert not queue


def spacing_record(kind, spacing, steps):
    sched, _ = make_scheduler(kind, timestep_spacing=spacing)
    rec = {"kind": kind, "timestep_spacing": spacing, "steps": steps}
    try:
        sched.set_timesteps(steps)
        if kind == "ddim":
            at, aprev = ddim_alphas(sched, sched.timesteps)
            rec["alpha_prod_t"] = f32hex(torch.stack(at))
            rec["alpha_prod_t_prev"] = f32hex(torch.stack([torch.as_tensor(a) for a in aprev]))
        else:
            rec["sigmas"] = f32hex(sched.sigmas)
        rec["timesteps"] = [num(t) for t in sched.timesteps]
        rec["init_noise_sigma"] = num(torch.as_tensor(sched.init_noise_sigma, dtype=torch.float32))
    except Exception as e:  # diffusers itself cannot build this schedule
        rec["error"] = f"{type(e).__name__}: {e}"
    return rec


def json_safe_config(config):
    """The scheduler config without private keys; non-finite floats (lambda_min_clipped = -inf)
    become strings, since JSON has no infinity."""
    out = {}
    for k, v in dict(config).items():
        if k.startswith("_"):
            continue
        out[k] = repr(v) if isinstance(v, float) and not math.isfinite(v) else v
    return out


def write(name, obj, indent=1):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, sort_keys=True, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)

    sched, cfg = make_scheduler("ddim")
    write(
        "schedule.json",
        {
            "generator": generator_info(),
            "config": SD15,
            "betas": f32hex(sched.betas),
            "alphas_cumprod": f32hex(sched.alphas_cumprod),
            "train_sigmas": f32hex(((1 - sched.alphas_cumprod) / sched.alphas_cumprod) ** 0.5),
        },
    )

    for kind in KINDS:
        sched, cfg = make_scheduler(kind)
        runs = []
        for steps in STEP_COUNTS + EXTRA_STEP_COUNTS.get(kind, []):
            shape = (1, 4, 8, 8) if steps == 10 else (1, 4, 4, 4)
            runs.append(run_trajectory(kind, steps, shape))
        write(
            f"{kind}.json",
            {
                "generator": generator_info(),
                "kind": kind,
                "diffusers_class": type(sched).__name__,
                "scheduler_config": json_safe_config(sched.config),
                "runs": runs,
            },
        )

    records = []
    for kind in KINDS:
        for spacing in ("leading", "trailing", "linspace"):
            for steps in SPACING_STEP_COUNTS + SPACING_EXTRA_STEP_COUNTS[spacing]:
                records.append(spacing_record(kind, spacing, steps))
    # One record per line: compact, still diffable.
    path = os.path.join(OUT_DIR, "spacing.json")
    with open(path, "w") as f:
        f.write('{"generator": ' + json.dumps(generator_info(), sort_keys=True) + ',\n "records": [\n')
        f.write(",\n".join(json.dumps(r, sort_keys=True, allow_nan=False) for r in records))
        f.write("\n]}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
