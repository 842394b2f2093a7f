#!/usr/bin/env python3
"""Writes a full-size Stable Diffusion 1.5-shaped checkpoint with random weights (no download).

One original-layout (LDM) `.safetensors` file in fp16, about 2.1 GB, with the shapes of
`v1-5-pruned-emaonly.safetensors`: the UNet (block_out_channels 320/640/1280/1280,
layers_per_block 2, attention_head_dim 8, cross_attention_dim 768; 859.5 M parameters), the
VAE (128/256/512/512) and the CLIP ViT-L/14 text tower (768 wide, 12 layers, quick_gelu).
Weights are random (seeded, scaled as in make_fixtures.py), so the images mean nothing; the
file is for measuring what only size decides: memory, disk, load and step times
(docs/sd-memory.md).

Usage (from the repository root; needs the packages of requirements.txt):
    /work/venv-ref/bin/python scripts/sd_fixtures/make_full_size_model.py --out /tmp/models/sd15-random-fp16.safetensors
"""

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import (  # noqa: E402  (the key conversions and random scaling of the fixtures)
    SCHEDULE, clip_to_ldm, randomize, save_tensors, unet_to_ldm, vae_to_ldm,
)
from diffusers import AutoencoderKL, UNet2DConditionModel  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModel  # noqa: E402

UNET_SD15 = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    attention_head_dim=8, cross_attention_dim=768, norm_num_groups=32, use_linear_projection=False,
)
VAE_SD15 = dict(
    in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, norm_num_groups=32,
    block_out_channels=(128, 256, 512, 512), sample_size=512, scaling_factor=0.18215,
    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
)
TEXT_SD15 = dict(
    vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
    max_position_embeddings=77, layer_norm_eps=1e-5, hidden_act="quick_gelu", projection_dim=768,
    bos_token_id=49406, eos_token_id=49407, pad_token_id=1,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the .safetensors file to write")
    parser.add_argument("--seed", type=int, default=1500)
    args = parser.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    single = {}
    unet = randomize(UNet2DConditionModel(**UNET_SD15), args.seed + 1)
    print(f"unet: {sum(p.numel() for p in unet.parameters()) / 1e6:.1f} M parameters", flush=True)
    single.update(unet_to_ldm(unet.state_dict(), UNET_SD15))
    del unet
    vae = randomize(AutoencoderKL(**VAE_SD15), args.seed + 2)
    single.update(vae_to_ldm(vae.state_dict(), VAE_SD15))
    del vae
    text_encoder = randomize(CLIPTextModel(CLIPTextConfig(**TEXT_SD15)), args.seed + 3)
    text_state = {(k if k.startswith("text_model.") else "text_model." + k): v
                  for k, v in text_encoder.state_dict().items() if not k.endswith("position_ids")}
    single.update(clip_to_ldm(text_state))
    del text_encoder
    betas = torch.linspace(SCHEDULE["beta_start"] ** 0.5, SCHEDULE["beta_end"] ** 0.5, 1000, dtype=torch.float64) ** 2
    single["alphas_cumprod"] = torch.cumprod(1 - betas, 0).to(torch.float32)
    single = {k: (v.to(torch.float16) if v.is_floating_point() and k != "alphas_cumprod" else v)
              for k, v in single.items()}
    save_tensors(out, single, "SD 1.5-shaped, random weights: original (LDM) layout, written by make_full_size_model.py")
    print(f"wrote {out}: {out.stat().st_size / 1e9:.2f} GB, {len(single)} tensors")


if __name__ == "__main__":
    main()
