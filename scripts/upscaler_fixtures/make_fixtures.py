#!/usr/bin/env python3
"""Reference fixtures for MosaicUpscale: small random-weight RRDBNets and their outputs.

Builds three ESRGAN-family generators with random weights (nf 8, gc 4), saves each as
.safetensors and as .pth (torch.save of the state dict), runs it on a small random image the way
Real-ESRGAN's RealESRGANer does (x / 255, reflect-pad to even sides for x2plus, clamp, * 255,
round) and saves the float output before rounding and the 8-bit output. The architecture is
written out below as Real-ESRGAN's basicsr/archs/rrdbnet_arch.py defines it. spandrel (PyPI)
checks it: spandrel's ESRGAN fixes gc at 32, too large for a small fixture, so a gc-32 net of each
variant is run through both in memory and must agree, and every saved file's keys must be what
spandrel's detection and key conversion expect of that variant.

    python make_fixtures.py OUTPUT_DIR      (Tests/MosaicUpscaleTests/Fixtures)
"""

import os
import sys
from collections import OrderedDict

import numpy as np
import spandrel
import spandrel.architectures.ESRGAN as ESRGAN_MODULE
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn


class ResidualDenseBlock(nn.Module):
    """Five 3x3 convs with dense connections; out = conv5 * 0.2 + x."""

    def __init__(self, nf, gc):
        super().__init__()
        self.conv1 = nn.Conv2d(nf, gc, 3, 1, 1)
        self.conv2 = nn.Conv2d(nf + gc, gc, 3, 1, 1)
        self.conv3 = nn.Conv2d(nf + 2 * gc, gc, 3, 1, 1)
        self.conv4 = nn.Conv2d(nf + 3 * gc, gc, 3, 1, 1)
        self.conv5 = nn.Conv2d(nf + 4 * gc, nf, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        x1 = self.lrelu(self.conv1(x))
        x2 = self.lrelu(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.lrelu(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.lrelu(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = self.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x


class RRDB(nn.Module):
    def __init__(self, nf, gc):
        super().__init__()
        self.rdb1 = ResidualDenseBlock(nf, gc)
        self.rdb2 = ResidualDenseBlock(nf, gc)
        self.rdb3 = ResidualDenseBlock(nf, gc)

    def forward(self, x):
        return self.rdb3(self.rdb2(self.rdb1(x))) * 0.2 + x


class RRDBNet(nn.Module):
    """Real-ESRGAN's RRDBNet: scale 2 and 1 pixel-unshuffle first, then two x2 upsamplings."""

    def __init__(self, scale, nf, gc, nb, in_ch=3, out_ch=3):
        super().__init__()
        self.scale = scale
        in_ch = in_ch * {4: 1, 2: 4, 1: 16}[scale]
        self.conv_first = nn.Conv2d(in_ch, nf, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(nf, gc) for _ in range(nb)])
        self.conv_body = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up1 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_up2 = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, out_ch, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        if self.scale == 2:
            x = F.pixel_unshuffle(x, 2)
        elif self.scale == 1:
            x = F.pixel_unshuffle(x, 4)
        feat = self.conv_first(x)
        feat = feat + self.conv_body(self.body(feat))
        feat = self.lrelu(self.conv_up1(F.interpolate(feat, scale_factor=2, mode="nearest")))
        feat = self.lrelu(self.conv_up2(F.interpolate(feat, scale_factor=2, mode="nearest")))
        return self.conv_last(self.lrelu(self.conv_hr(feat)))


def classic_keys(state, nb):
    """The same weights under classic ESRGAN's names (model.0, model.1.sub.N.RDBk.convi.0, ...)."""
    renamed = OrderedDict()
    for key, value in state.items():
        parts = key.split(".")
        if parts[0] == "body":
            new = f"model.1.sub.{parts[1]}.RDB{parts[2][3:]}.{parts[3]}.0.{parts[4]}"
        else:
            layer = {"conv_first": "model.0", "conv_body": f"model.1.sub.{nb}", "conv_up1": "model.3",
                     "conv_up2": "model.6", "conv_hr": "model.8", "conv_last": "model.10"}[parts[0]]
            new = f"{layer}.{parts[1]}"
        renamed[new] = value
    return renamed


def upscale_like_realesrgan(model, image_u8, scale):
    """RealESRGANer.enhance without tiling: float in [0, 1], reflect pad for x2, crop, clamp."""
    x = torch.from_numpy(image_u8.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    h, w = x.shape[2], x.shape[3]
    pad_h = (2 - h % 2) % 2 if scale == 2 else 0
    pad_w = (2 - w % 2) % 2 if scale == 2 else 0
    if pad_h or pad_w:
        x = F.pad(x, (0, pad_w, 0, pad_h), "reflect")
    with torch.no_grad():
        y = model(x)[:, :, : h * scale, : w * scale]
    out = y[0].float()
    rounded = (out.clamp(0, 1) * 255.0).round()
    return out.contiguous(), rounded.contiguous()


def make(out_dir, name, scale, nb, dtype, classic, size, seed):
    torch.manual_seed(seed)
    model = RRDBNet(scale, nf=8, gc=4, nb=nb).eval()
    # The reference runs in fp32 on the weights exactly as stored (rounded to fp16/bf16 if so).
    # A trained net maps an image to an image; a random one gives values near 0, which the 8-bit
    # clamp would flatten, so the last layer is scaled and centred on mid-grey. The body's convs
    # are scaled up so that it moves the output measurably (its residuals are scaled by 0.2 twice):
    # a 5% error in one residual scale then changes the output by 5e-4 to 3e-3 relative L2.
    with torch.no_grad():
        for key, p in model.named_parameters():
            if key.startswith("body.") and key.endswith(".weight"):
                p.mul_(4)
        model.conv_last.weight.mul_(4)
        model.conv_last.bias.add_(0.5)
        for p in model.parameters():
            p.copy_(p.to(dtype).float())
    state = OrderedDict((k, v.detach().to(dtype).contiguous()) for k, v in model.state_dict().items())
    if classic:
        state = classic_keys(state, nb)
    save_file(dict(state), os.path.join(out_dir, f"{name}.safetensors"))
    # Real-ESRGAN's released .pth files wrap the state dict in params_ema; classic ones do not.
    # An fp32 net saves model.state_dict() itself, whose pickle also carries `_metadata` (BUILD).
    if dtype == torch.float32 and not classic:
        state = model.state_dict()
    torch.save(state if classic else {"params_ema": state}, os.path.join(out_dir, f"{name}.pth"))

    generator = np.random.default_rng(seed)
    image = generator.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    out, rounded = upscale_like_realesrgan(model, image, scale)

    for path in (f"{name}.safetensors", f"{name}.pth"):
        loaded = spandrel.ModelLoader().load_state_dict_from_file(os.path.join(out_dir, path))
        assert spandrel.MAIN_REGISTRY.get("ESRGAN").architecture.detect(loaded), path
        old = ESRGAN_MODULE._to_old_arch(loaded)
        assert sorted(old.keys()) == sorted(classic_keys(model.state_dict(), nb).keys()), path

    save_file(
        # 8-bit values are exact in fp16.
        {"input": torch.from_numpy(image).half(), "output": out, "output_u8": rounded.half()},
        os.path.join(out_dir, f"{name}.reference.safetensors"))
    clipped = float(((out < 0) | (out > 1)).float().mean())
    print(f"{name}: scale {scale}, nb {nb}, {dtype}, output range [{out.min():.3f}, {out.max():.3f}], "
          f"{clipped:.1%} clamped")


def check_against_spandrel(scale, classic, seed):
    """A gc-32 net of the variant, through this file's architecture and through spandrel's."""
    torch.manual_seed(seed)
    model = RRDBNet(scale, nf=8, gc=32, nb=1).eval()
    state = model.state_dict()
    if classic:
        state = classic_keys(state, 1)
    loaded = spandrel.ModelLoader().load_from_state_dict(state)
    assert loaded.scale == scale, loaded.scale
    image = np.random.default_rng(seed).integers(0, 256, size=(10, 14, 3), dtype=np.uint8)
    ours, _ = upscale_like_realesrgan(model, image, scale)
    theirs, _ = upscale_like_realesrgan(loaded.model.float().eval(), image, scale)
    error = float((ours - theirs).norm() / ours.norm())
    assert error < 1e-5, (scale, classic, error)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/MosaicUpscaleTests/Fixtures"
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for scale, classic in ((4, False), (2, False), (4, True)):
        check_against_spandrel(scale, classic, seed=10 + scale)
    make(out_dir, "tiny_x4plus", scale=4, nb=1, dtype=torch.float32, classic=False, size=(16, 12), seed=1)
    make(out_dir, "tiny_x2plus", scale=2, nb=1, dtype=torch.float16, classic=False, size=(15, 11), seed=2)
    make(out_dir, "tiny_esrgan", scale=4, nb=2, dtype=torch.bfloat16, classic=True, size=(11, 8), seed=3)


if __name__ == "__main__":
    main()
