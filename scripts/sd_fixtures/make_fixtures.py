#!/usr/bin/env python3
"""Builds the Stable Diffusion reference fixtures of Tests/MosaicStableDiffusionTests/Fixtures.

Two small random-weight models, shaped like SD 1.x and SD 2.x, built with diffusers and
transformers (versions pinned in requirements.txt), each saved

  - in the diffusers folder layout, fp32 and fp16 (`variant="fp16"` files side by side, so the
    configs and tokenizer are shared), and
  - as one original-layout (LDM) `.safetensors` file in fp16, written by an inverse key mapping
    below and verified by loading it back with `from_single_file` (identical state dicts and an
    identical pipeline image),

and reference outputs: tokenizer ids, text encoder hidden states, UNet, VAE decoder/encoder,
full `StableDiffusionPipeline` images for five schedulers, and `StableDiffusionImg2ImgPipeline`
images for the same schedulers at two strengths, from a smooth pattern made here.

Every random weight is rounded to fp16 before saving, so the fp32 files, the fp16 files and
the single files hold identical values: a loader must give bit-identical fp32 tensors from all
three. Everything is seeded and runs on one CPU thread, so rerunning gives identical files.

Usage (from the repository root):
    python scripts/sd_fixtures/make_fixtures.py [--out Tests/MosaicStableDiffusionTests/Fixtures]
"""

import argparse
import gzip
import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import PIL.Image
import torch
from safetensors.torch import save_file

import diffusers
import transformers
from diffusers import (
    AutoencoderKL,
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    PNDMScheduler,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionPipeline,
    UNet2DConditionModel,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

REPO = Path(__file__).resolve().parents[2]
TOKENIZER_RESOURCE = REPO / "Sources/MosaicStableDiffusion/Resources/clip-tokenizer"

# ---------------------------------------------------------------------------------------------
# Model shapes. Small, but with every structural feature of the real ones: three UNet blocks
# (two with cross-attention), two resnets per block, the VAE's four blocks (8x down-sampling).
# ---------------------------------------------------------------------------------------------

HIDDEN = 24

TEXT_COMMON = dict(
    vocab_size=49408, hidden_size=HIDDEN, intermediate_size=2 * HIDDEN, num_hidden_layers=2,
    num_attention_heads=2, max_position_embeddings=77, layer_norm_eps=1e-5,
    bos_token_id=49406, eos_token_id=49407,
)
# SD 1.x: OpenAI CLIP ViT-L/14 text tower (quick_gelu). SD 2.x: the OpenCLIP ViT-H tower as
# diffusers' conversion stores it: a CLIPTextModel with gelu and one layer fewer than
# OpenCLIP's (real: 23 of 24; OpenCLIP's last block is dropped since SD 2 uses the penultimate).
TEXT_SD1 = dict(TEXT_COMMON, hidden_act="quick_gelu", projection_dim=HIDDEN, pad_token_id=1)
TEXT_SD2 = dict(TEXT_COMMON, hidden_act="gelu", projection_dim=HIDDEN, pad_token_id=1)

UNET_COMMON = dict(
    sample_size=8, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(16, 32, 32),
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=HIDDEN, norm_num_groups=8,
)
UNET_SD1 = dict(UNET_COMMON, attention_head_dim=2, use_linear_projection=False)
UNET_SD2 = dict(UNET_COMMON, attention_head_dim=[2, 4, 4], use_linear_projection=True, upcast_attention=True)

VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, norm_num_groups=8,
    block_out_channels=(16, 32, 32, 32),
    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
    sample_size=64, scaling_factor=0.18215,
)

SCHEDULE = dict(
    num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
    steps_offset=1, timestep_spacing="leading",
)

SCHEDULERS = {
    "ddim": (DDIMScheduler, dict(clip_sample=False, set_alpha_to_one=False)),
    "euler": (EulerDiscreteScheduler, dict()),
    "euler_a": (EulerAncestralDiscreteScheduler, dict()),
    "dpmpp_2m": (DPMSolverMultistepScheduler, dict()),
    "dpmpp_2m_karras": (DPMSolverMultistepScheduler, dict(use_karras_sigmas=True)),
}

PIPELINE_ARGS = dict(
    prompt="a lighthouse on a cliff, stormy sea, oil painting",
    negative_prompt="blurry, low quality",
    height=64, width=64, num_inference_steps=4, guidance_scale=7.5,
)
PIPELINE_SEED = 1234

# Image-to-image: more steps than the text-to-image runs so that both strengths start inside the
# schedule (int(10 * 0.3) = 3 and int(10 * 0.75) = 7 steps run) and DPM++ 2M takes second-order
# steps after its first-order start.
IMG2IMG_ARGS = dict(
    prompt=PIPELINE_ARGS["prompt"], negative_prompt=PIPELINE_ARGS["negative_prompt"],
    num_inference_steps=10, guidance_scale=7.5,
)
IMG2IMG_STRENGTHS = (0.3, 0.75)
IMG2IMG_SEED = 4321
IMG2IMG_SIDE = 64

PROMPTS = [
    "",
    "a photo of a cat",
    "A Photo Of A CAT",
    "an astronaut riding a horse on the moon, highly detailed, 8k",
    "Hello, world!",
    "hello world!!!",
    "don't stop believin'",
    "it's the cat's pajamas; they're we've I'm you'll he'd",
    "she said \"yes\" (twice) [maybe] {not} <tag> a|b",
    "email: someone@example.com, url: https://example.org/path?q=1&r=2#frag",
    "1234567890",
    "3.14159 and 2,718 and -42 and 1e10",
    "the year 2024 was 365 days",
    "café résumé naïve façade jalapeño",
    "Crème Brûlée à la carte",
    "über straße größe",
    "Ångström Ørsted Œuvre",
    "ΑΒΓ αβγ Σίσυφος",
    "Привет, мир",
    "東京タワーの夜景",
    "一只可爱的猫",
    "한국어 문장입니다",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "emoji 😀🎉👍🏽 and 🐱‍👤",
    "🔥🔥🔥",
    "flags 🇫🇷🇯🇵",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nmixed \t \n  runs",
    "multiple     spaces      between",
    "non\u00a0breaking\u2003em\u3000ideographic spaces",
    "e\u0301 combining acute (NFC folds it)",
    "fullwidth ＡＢＣ １２３",
    "ligature ﬁ and ™ © ® ° ± × ÷",
    "math ∑ ∫ √ ∞ ≈ ≠ ≤ ≥",
    "!!!???...,,,;;;:::",
    "____----====++++",
    "a-b_c.d/e\\f",
    "MiXeD CaSe WoRdS",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "masterpiece, best quality, ultra-detailed, (extremely detailed CG unity 8k wallpaper:1.2)",
    " ".join(["word"] * 100),
    ", ".join(f"tag{i}" for i in range(60)),
    "a " * 80 + "end",
    "line one\nline two\n\nline four",
    "zero-width\u200bspace and soft\u00adhyphen",
    "special <|endoftext|> and <|startoftext|>inside",
    "upper <|ENDOFTEXT|> is not special",
    "wow!'s it's!!'t '' 're'",
]

TEXT_PROMPTS = [
    "",
    "a photo of a cat",
    "an astronaut riding a horse on the moon, highly detailed, 8k",
    "café 東京 😀",
]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def fp16_exact(t):
    return t.to(torch.float16).to(torch.float32)


def randomize(module, seed):
    """Random weights, scaled so activations stay O(1), rounded to fp16-representable values."""
    gen = torch.Generator("cpu").manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(module.named_parameters()):
            shape = p.shape
            noise = torch.randn(shape, generator=gen, dtype=torch.float32)
            if name.endswith("embedding.weight"):
                value = noise * 0.5
            elif p.ndim >= 2:
                fan_in = int(np.prod(shape[1:]))
                value = noise / math.sqrt(fan_in)
            elif name.endswith("bias"):
                value = noise * 0.1
            else:  # norm scales
                value = 1.0 + 0.1 * noise
            p.copy_(fp16_exact(value))
    module.eval()
    return module


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def save_tensors(path, tensors, note):
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = {k: v.detach().contiguous().clone() for k, v in tensors.items()}
    save_file(clean, str(path), metadata={"note": note})


def relative_symlink(link, target):
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(target, link.parent))


# ---------------------------------------------------------------------------------------------
# Tokenizer: the real CLIP BPE from open_clip_torch's wheel
# ---------------------------------------------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def write_tokenizer_resource():
    """vocab.json and merges.txt as in openai/clip-vit-large-patch14, built from the BPE file."""
    import importlib.util
    spec = importlib.util.find_spec("open_clip")
    bpe = Path(spec.origin).parent / "bpe_simple_vocab_16e6.txt.gz"
    lines = gzip.open(bpe).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]
    vocab = list(bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == 49408
    TOKENIZER_RESOURCE.mkdir(parents=True, exist_ok=True)
    (TOKENIZER_RESOURCE / "vocab.json").write_text(
        json.dumps({v: i for i, v in enumerate(vocab)}, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8")
    (TOKENIZER_RESOURCE / "merges.txt").write_text(
        "#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n", encoding="utf-8")


def make_tokenizer(folder, pad_token):
    """A transformers CLIPTokenizer over the shipped files, saved as SD repos ship it."""
    folder.mkdir(parents=True, exist_ok=True)
    tok = CLIPTokenizer(
        vocab=str(TOKENIZER_RESOURCE / "vocab.json"), merges=str(TOKENIZER_RESOURCE / "merges.txt"),
        pad_token=pad_token, model_max_length=77)
    tok.save_pretrained(str(folder))
    # SD repos ship vocab.json + merges.txt; share them with the package's copy.
    for name in ("vocab.json", "merges.txt"):
        relative_symlink(folder / name, TOKENIZER_RESOURCE / name)
    if (folder / "tokenizer.json").exists():
        (folder / "tokenizer.json").unlink()  # 3.6 MB, rebuilt from vocab + merges on load
    return CLIPTokenizer.from_pretrained(str(folder))


# ---------------------------------------------------------------------------------------------
# Inverse key mapping: diffusers names -> original (LDM / OpenCLIP) names
# ---------------------------------------------------------------------------------------------

RESNET_TO_LDM = [("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"),
                 ("conv2", "out_layers.3"), ("time_emb_proj", "emb_layers.1"), ("conv_shortcut", "skip_connection")]


def unet_to_ldm(state, config):
    L = config["layers_per_block"]
    out = {}
    up_has_attention = {int(k.split(".")[1]) for k in state if k.startswith("up_blocks.") and ".attentions." in k}
    top = {"time_embedding.linear_1.": "time_embed.0.", "time_embedding.linear_2.": "time_embed.2.",
           "conv_in.": "input_blocks.0.0.", "conv_norm_out.": "out.0.", "conv_out.": "out.2."}

    def resnet(rest):
        head, tail = rest.split(".", 1)
        return dict(RESNET_TO_LDM)[head] + "." + tail

    for key, value in state.items():
        p = key.split(".")
        if any(key.startswith(k) for k in top):
            prefix = next(k for k in top if key.startswith(k))
            new = top[prefix] + key[len(prefix):]
        elif p[0] == "down_blocks":
            b = int(p[1])
            if p[2] == "resnets":
                new = f"input_blocks.{1 + b * (L + 1) + int(p[3])}.0." + resnet(".".join(p[4:]))
            elif p[2] == "attentions":
                new = f"input_blocks.{1 + b * (L + 1) + int(p[3])}.1." + ".".join(p[4:])
            else:  # downsamplers.0.conv.*
                new = f"input_blocks.{1 + b * (L + 1) + L}.0.op." + ".".join(p[5:])
        elif p[0] == "mid_block":
            if p[1] == "resnets":
                new = f"middle_block.{2 * int(p[2])}." + resnet(".".join(p[3:]))
            else:
                new = "middle_block.1." + ".".join(p[3:])
        elif p[0] == "up_blocks":
            b = int(p[1])
            if p[2] == "resnets":
                new = f"output_blocks.{b * (L + 1) + int(p[3])}.0." + resnet(".".join(p[4:]))
            elif p[2] == "attentions":
                new = f"output_blocks.{b * (L + 1) + int(p[3])}.1." + ".".join(p[4:])
            else:  # upsamplers.0.conv.*
                slot = 2 if b in up_has_attention else 1
                new = f"output_blocks.{b * (L + 1) + L}.{slot}.conv." + ".".join(p[5:])
        else:
            raise KeyError(key)
        out["model.diffusion_model." + new] = value
    return out


def vae_to_ldm(state, config):
    n = len(config["block_out_channels"])
    out = {}
    attn = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
    for key, value in state.items():
        p = key.split(".")
        new = key
        if p[0] in ("encoder", "decoder"):
            side = p[0]
            if p[1] == "down_blocks":
                i = int(p[2])
                if p[3] == "resnets":
                    new = f"{side}.down.{i}.block.{p[4]}." + ".".join(p[5:])
                else:
                    new = f"{side}.down.{i}.downsample.conv." + ".".join(p[6:])
            elif p[1] == "up_blocks":
                i = n - 1 - int(p[2])
                if p[3] == "resnets":
                    new = f"{side}.up.{i}.block.{p[4]}." + ".".join(p[5:])
                else:
                    new = f"{side}.up.{i}.upsample.conv." + ".".join(p[6:])
            elif p[1] == "mid_block":
                if p[2] == "resnets":
                    new = f"{side}.mid.block_{int(p[3]) + 1}." + ".".join(p[4:])
                else:
                    rest = ".".join(p[4:])
                    for d, l in attn.items():
                        if rest.startswith(d + "."):
                            rest = l + rest[len(d):]
                            break
                    new = f"{side}.mid.attn_1." + rest
                    if value.ndim == 2:
                        value = value[:, :, None, None]
            elif p[1] == "conv_norm_out":
                new = f"{side}.norm_out." + ".".join(p[2:])
            new = new.replace("conv_shortcut", "nin_shortcut")
        out["first_stage_model." + new] = value
    return out


def clip_to_ldm(state):
    out = {"cond_stage_model.transformer." + k: v for k, v in state.items()}
    # Real SD 1.x checkpoints carry the int64 position_ids buffer; a loader must skip it.
    out["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77, dtype=torch.int64)[None]
    return out


def open_clip_to_ldm(state, hidden, gen):
    pre = "cond_stage_model.model."
    out = {}
    top = {"text_model.embeddings.position_embedding.weight": "positional_embedding",
           "text_model.embeddings.token_embedding.weight": "token_embedding.weight",
           "text_model.final_layer_norm.weight": "ln_final.weight",
           "text_model.final_layer_norm.bias": "ln_final.bias"}
    layers = sorted({int(k.split(".")[3]) for k in state if k.startswith("text_model.encoder.layers.")})
    for k, v in state.items():
        if k in top:
            out[pre + top[k]] = v
    for i in layers:
        src = f"text_model.encoder.layers.{i}."
        dst = f"{pre}transformer.resblocks.{i}."
        out[dst + "attn.in_proj_weight"] = torch.cat([state[src + f"self_attn.{x}_proj.weight"] for x in "qkv"], 0)
        out[dst + "attn.in_proj_bias"] = torch.cat([state[src + f"self_attn.{x}_proj.bias"] for x in "qkv"], 0)
        out[dst + "attn.out_proj.weight"] = state[src + "self_attn.out_proj.weight"]
        out[dst + "attn.out_proj.bias"] = state[src + "self_attn.out_proj.bias"]
        for d, l in (("layer_norm1", "ln_1"), ("layer_norm2", "ln_2")):
            for w in ("weight", "bias"):
                out[dst + f"{l}.{w}"] = state[src + f"{d}.{w}"]
        for d, l in (("fc1", "c_fc"), ("fc2", "c_proj")):
            for w in ("weight", "bias"):
                out[dst + f"mlp.{l}.{w}"] = state[src + f"mlp.{d}.{w}"]
    # OpenCLIP's projection and logit scale: present in real checkpoints, unused by SD.
    out[pre + "text_projection"] = fp16_exact(torch.randn(hidden, hidden, generator=gen) / math.sqrt(hidden))
    out[pre + "logit_scale"] = torch.tensor(4.6052)
    return out


# ---------------------------------------------------------------------------------------------
# Building and recording
# ---------------------------------------------------------------------------------------------

def build(name, version, out, seed):
    folder = out / name
    if folder.exists():
        shutil.rmtree(folder)
    text_cfg = TEXT_SD1 if version == 1 else TEXT_SD2
    unet_cfg = UNET_SD1 if version == 1 else UNET_SD2
    prediction = "epsilon" if version == 1 else "v_prediction"

    text_encoder = randomize(CLIPTextModel(CLIPTextConfig(**text_cfg)), seed + 1)
    unet = randomize(UNet2DConditionModel(**unet_cfg), seed + 2)
    vae = randomize(AutoencoderKL(**VAE_CONFIG), seed + 3)
    tokenizer = make_tokenizer(folder / "tokenizer", "<|endoftext|>" if version == 1 else "!")
    # The scheduler the real repos ship: PNDM for SD 1.5, DDIM for SD 2.1.
    if version == 1:
        scheduler = PNDMScheduler(**SCHEDULE, skip_prk_steps=True, set_alpha_to_one=False, prediction_type=prediction)
    else:
        scheduler = DDIMScheduler(**SCHEDULE, clip_sample=False, set_alpha_to_one=False, prediction_type=prediction)

    pipe = StableDiffusionPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler,
        safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    for component in ("unet", "vae", "text_encoder"):
        # fp16 first: transformers records the dtype in config.json, which must say float32.
        getattr(pipe, component).to(torch.float16).save_pretrained(str(folder / component), variant="fp16")
        getattr(pipe, component).to(torch.float32).save_pretrained(str(folder / component))
    scheduler.save_pretrained(str(folder / "scheduler"))
    pipe.save_config(str(folder))  # model_index.json
    tokenizer.save_pretrained(str(folder / "tokenizer"))
    for link in ("vocab.json", "merges.txt"):
        relative_symlink(folder / "tokenizer" / link, TOKENIZER_RESOURCE / link)
    if (folder / "tokenizer" / "tokenizer.json").exists():
        (folder / "tokenizer" / "tokenizer.json").unlink()

    # The single original-layout file, fp16 like most published checkpoints.
    gen = torch.Generator("cpu").manual_seed(seed + 4)
    single = {}
    single.update(unet_to_ldm(unet.state_dict(), unet_cfg))
    single.update(vae_to_ldm(vae.state_dict(), VAE_CONFIG))
    # transformers 5 names the text tower's weights without the "text_model." prefix that
    # original checkpoints (and older diffusers folders) use; the original layout has it.
    text_state = {(k if k.startswith("text_model.") else "text_model." + k): v
                  for k, v in text_encoder.state_dict().items() if not k.endswith("position_ids")}
    single.update(clip_to_ldm(text_state) if version == 1 else open_clip_to_ldm(text_state, HIDDEN, gen))
    betas = torch.linspace(SCHEDULE["beta_start"] ** 0.5, SCHEDULE["beta_end"] ** 0.5, 1000, dtype=torch.float64) ** 2
    single["alphas_cumprod"] = torch.cumprod(1 - betas, 0).to(torch.float32)
    single = {k: (v.to(torch.float16) if v.is_floating_point() and not k == "alphas_cumprod" else v) for k, v in single.items()}
    single_path = out / f"{name}-single-fp16.safetensors"
    save_tensors(single_path, single, f"{name}: original (LDM) layout, written by make_fixtures.py")

    pipe = StableDiffusionPipeline.from_pretrained(
        str(folder), torch_dtype=torch.float32, safety_checker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    verify_single_file(pipe, single_path, folder)
    record(name, pipe, out, prediction)
    record_img2img(name, pipe, out, prediction)
    return pipe


def verify_single_file(pipe, path, config_folder):
    loaded = StableDiffusionPipeline.from_single_file(
        str(path), config=str(config_folder), local_files_only=True, torch_dtype=torch.float32,
        safety_checker=None, requires_safety_checker=False)
    loaded.set_progress_bar_config(disable=True)
    loaded.to(torch.float32)  # the file is fp16; its values are fp16-exact, so this is lossless
    for component in ("unet", "vae", "text_encoder"):
        a = getattr(pipe, component).state_dict()
        b = getattr(loaded, component).state_dict()
        a = {k: v for k, v in a.items() if not k.endswith("position_ids")}
        b = {k: v for k, v in b.items() if not k.endswith("position_ids")}
        assert a.keys() == b.keys(), (component, sorted(set(a) ^ set(b))[:10])
        for k in a:
            assert torch.equal(a[k].float(), b[k].float()), (component, k)
    args = dict(PIPELINE_ARGS, output_type="np")
    image_a = pipe(**args, generator=torch.Generator("cpu").manual_seed(PIPELINE_SEED)).images
    loaded.scheduler = pipe.scheduler
    image_b = loaded(**args, generator=torch.Generator("cpu").manual_seed(PIPELINE_SEED)).images
    assert np.array_equal(image_a, image_b), "single-file pipeline image differs"
    print(f"verified {path.name}: identical state dicts and pipeline image")


@torch.no_grad()
def record(name, pipe, out, prediction):
    ref = out / name / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    tok = pipe.tokenizer
    ids = tok(PROMPTS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    raw = [tok(p, add_special_tokens=False).input_ids for p in PROMPTS]
    save_tensors(ref / "tokenizer_ids.safetensors", {"input_ids": ids.to(torch.int64)}, "padded, truncated to 77")
    write_json(ref / "tokenizer_prompts.json", {
        "tokenizer_class": f"transformers.{type(tok).__name__} (transformers {transformers.__version__}, tokenizers backend)",
        "pad_token": tok.pad_token, "pad_token_id": tok.pad_token_id,
        "prompts": PROMPTS, "ids_without_special_tokens_untruncated": raw,
    })

    # Text encoder: what the pipeline passes as encoder_hidden_states (last_hidden_state).
    text_ids = tok(TEXT_PROMPTS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    hidden = pipe.text_encoder(text_ids)[0]
    embeds, negative = pipe.encode_prompt(PIPELINE_ARGS["prompt"], "cpu", 1, True, PIPELINE_ARGS["negative_prompt"])
    save_tensors(ref / "text_encoder.safetensors", {
        "input_ids": text_ids.to(torch.int64), "last_hidden_state": hidden,
        "pipeline_prompt_embeds": embeds, "pipeline_negative_prompt_embeds": negative,
    }, "prompts: " + json.dumps(TEXT_PROMPTS, ensure_ascii=False))

    # UNet: a CFG batch of two (negative, positive), two timesteps.
    gen = torch.Generator("cpu").manual_seed(7)
    sample = torch.randn(2, 4, 8, 8, generator=gen)
    states = torch.cat([negative, embeds])
    unet_out = {"sample": sample, "encoder_hidden_states": states}
    for t in (981, 1):
        unet_out[f"timestep_{t}"] = torch.tensor([float(t)])
        unet_out[f"out_t{t}"] = pipe.unet(sample, t, encoder_hidden_states=states).sample
    save_tensors(ref / "unet.safetensors", unet_out, "out_tT = unet(sample, T, encoder_hidden_states)")

    # VAE: decoder input/output (no scaling inside decode), encoder input -> latent_dist.
    z = torch.randn(1, 4, 8, 8, generator=gen)
    image = torch.rand(1, 3, 64, 64, generator=gen) * 2 - 1
    dist = pipe.vae.encode(image).latent_dist
    save_tensors(ref / "vae.safetensors", {
        "decoder_in": z, "decoder_out": pipe.vae.decode(z).sample,
        "encoder_in": image, "encoder_mean": dist.mean, "encoder_logvar": dist.logvar,
        "scaling_factor": torch.tensor([pipe.vae.config.scaling_factor]),
    }, "decoder_out = vae.decode(decoder_in); encoder_* = vae.encode(encoder_in).latent_dist")

    # Full pipelines, one per scheduler.
    configs = {}
    tensors = {}
    base = dict(pipe.scheduler.config)
    for key, (cls, extra) in SCHEDULERS.items():
        pipe.scheduler = cls.from_config(base, **extra, prediction_type=prediction)
        configs[key] = {"class": cls.__name__, "config": {  # _use_default_values comes from a set: sort it
            k: (sorted(v) if k == "_use_default_values" else v) for k, v in pipe.scheduler.config.items()}}
        args = dict(PIPELINE_ARGS)
        tensors[f"{key}_image"] = torch.from_numpy(
            pipe(**args, output_type="np", generator=torch.Generator("cpu").manual_seed(PIPELINE_SEED)).images)
        tensors[f"{key}_latents"] = pipe(
            **args, output_type="latent", generator=torch.Generator("cpu").manual_seed(PIPELINE_SEED)).images
    save_tensors(ref / "pipeline.safetensors", tensors, "KEY_image: output_type=np [1,H,W,3]; KEY_latents: final latents")
    write_json(ref / "pipeline.json", {
        "pipeline": dict(PIPELINE_ARGS, seed=PIPELINE_SEED,
                         generator='torch.Generator("cpu").manual_seed(seed)'),
        "schedulers": configs,
    })


def init_image(side):
    """A smooth colour pattern of side x side px, uint8 [H, W, 3]: no random numbers, only numpy."""
    y, x = np.mgrid[0:side, 0:side].astype(np.float64) / (side - 1)
    red = 0.5 + 0.45 * np.sin(2 * np.pi * (1.3 * x + 0.2 * y) + 0.4)
    green = 0.5 + 0.4 * np.cos(2 * np.pi * 0.9 * (x - y))
    blue = 0.15 + 0.7 * y * (1 - 0.5 * x)
    return np.round(np.clip(np.stack([red, green, blue], axis=-1), 0, 1) * 255).astype(np.uint8)


@torch.no_grad()
def record_img2img(name, pipe, out, prediction):
    """StableDiffusionImg2ImgPipeline on init_image for every scheduler and strength, and the VAE
    encoder's latent_dist on the image as the pipeline preprocesses it."""
    ref = out / name / "reference"
    pixels = init_image(IMG2IMG_SIDE)
    image = PIL.Image.fromarray(pixels, mode="RGB")
    img2img = StableDiffusionImg2ImgPipeline(**pipe.components, requires_safety_checker=False)
    img2img.set_progress_bar_config(disable=True)
    dist = pipe.vae.encode(img2img.image_processor.preprocess(image)).latent_dist
    tensors = {"init_image": torch.from_numpy(pixels), "encoder_mean": dist.mean, "encoder_std": dist.std}
    # The scheduler config as saved (record() leaves pipe.scheduler at its last scheduler).
    base = type(pipe.scheduler).load_config(str(out / name / "scheduler"))
    for key, (cls, extra) in SCHEDULERS.items():
        for strength in IMG2IMG_STRENGTHS:
            img2img.scheduler = cls.from_config(base, **extra, prediction_type=prediction)
            tag = f"{key}_s{round(strength * 100)}"
            args = dict(IMG2IMG_ARGS, image=image, strength=strength)
            tensors[f"{tag}_image"] = torch.from_numpy(img2img(
                **args, output_type="np", generator=torch.Generator("cpu").manual_seed(IMG2IMG_SEED)).images)
            tensors[f"{tag}_latents"] = img2img(
                **args, output_type="latent", generator=torch.Generator("cpu").manual_seed(IMG2IMG_SEED)).images
    save_tensors(ref / "img2img.safetensors", tensors,
                 "init_image: uint8 [H,W,3]; encoder_*: vae.encode(preprocess(init_image)).latent_dist; "
                 "KEY_sNN_image: output_type=np [1,H,W,3] at strength NN/100; KEY_sNN_latents: final latents")
    write_json(ref / "img2img.json", {
        "pipeline": dict(IMG2IMG_ARGS, seed=IMG2IMG_SEED, strengths=list(IMG2IMG_STRENGTHS),
                         width=IMG2IMG_SIDE, height=IMG2IMG_SIDE,
                         generator='torch.Generator("cpu").manual_seed(seed)'),
        "schedulers": sorted(SCHEDULERS),
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(REPO / "Tests/MosaicStableDiffusionTests/Fixtures"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_tokenizer_resource()
    build("sd1", 1, out, seed=100)
    build("sd2", 2, out, seed=200)
    write_json(out / "versions.json", {
        "torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__,
    })


if __name__ == "__main__":
    main()
