#!/usr/bin/env python3
"""Write the reference fixtures for MosaicImage's upload decoder and Lanczos resampler.

Needs Pillow (``pip install pillow``). Writes into ``Tests/MosaicImageTests/Fixtures/``:

Decoder (``decode/``): one small picture (9x6, distinct colours) saved in each case's format,
and ``<case>.rgb``, the raw 8-bit RGB that Pillow decodes it to after
``ImageOps.exif_transpose`` and ``convert("RGB")`` (the pixels the decoder must return), with
``index.json`` listing each case's file, the expected size and what it tests. Cases the
decoder must refuse have no ``.rgb``; ``index.json`` names the refusal.

Lanczos (``lanczos/``): a seeded random source image and Pillow's
``Image.resize((w, h), Image.LANCZOS)`` of it for several sizes (down, up, one axis only,
factors far from 1), each raw 8-bit RGB, listed in ``index.json`` with the Pillow version.

Run from the repository root: ``python3 scripts/reference/make_image_fixtures.py``.
"""
import io
import json
import os
import random
import struct
import zlib

import PIL
from PIL import Image, ImageOps

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "MosaicImageTests", "Fixtures")


def picture(width=9, height=6):
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 29 + y * 7) % 256, (y * 41 + 13) % 256, (x * y * 11 + 90) % 256)
                   for y in range(height) for x in range(width)])
    return image


def exif(orientation):
    data = Image.Exif()
    data[0x0112] = orientation
    return data.tobytes()


def expected(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode == "I;16":
        # Pillow clips 16-bit grey to 8 bits; the decoder scales it as libpng's png_set_scale_16
        # does (v * 255 / 65535, rounded), which keeps the picture's contrast.
        grey = Image.new("L", image.size)
        values = struct.unpack(f"<{image.width * image.height}H", image.tobytes())  # I;16 is little-endian
        grey.putdata([round(v * 255 / 65535) for v in values])
        image = grey
    return ImageOps.exif_transpose(image).convert("RGB")


def write_decode():
    directory = os.path.join(ROOT, "decode")
    os.makedirs(directory, exist_ok=True)
    base = picture()
    rgba = base.convert("RGBA")
    translucent = rgba.copy()
    translucent.putpixel((3, 2), (10, 20, 30, 128))
    grey16 = Image.new("I;16", (9, 6))
    grey16.putdata([(x * 7000 + y * 1000) % 65536 for y in range(6) for x in range(9)])
    cases = [
        # name, image, format, save options, refusal (None: decodes)
        ("png_rgb", base, "PNG", {}, None),
        ("png_rgba_opaque", rgba, "PNG", {}, None),
        ("png_rgba_translucent", translucent, "PNG", {}, "translucent"),
        ("png_grey", base.convert("L"), "PNG", {}, None),
        ("png_palette", base.convert("P", palette=Image.ADAPTIVE, colors=16), "PNG", {}, None),
        ("png_grey16", grey16, "PNG", {}, None),
        ("png_interlaced", base, "PNG", {"interlace": 1}, None),
        ("png_exif_6", base, "PNG", {"exif": exif(6)}, None),
        ("jpeg_rgb", base, "JPEG", {"quality": 95}, None),
        ("jpeg_grey", base.convert("L"), "JPEG", {"quality": 95}, None),
        ("jpeg_cmyk", base.convert("CMYK"), "JPEG", {"quality": 95}, "cmyk"),
        ("jpeg_progressive", base, "JPEG", {"quality": 95, "progressive": True}, None),
        ("webp_lossless", base, "WEBP", {"lossless": True}, None),
        ("webp_lossless_opaque_alpha", rgba, "WEBP", {"lossless": True, "exact": True}, None),
        ("webp_translucent", translucent, "WEBP", {"lossless": True}, "translucent"),
        ("webp_lossy", base, "WEBP", {"quality": 90}, None),
        ("webp_exif_8", base, "WEBP", {"lossless": True, "exif": exif(8)}, None),
    ]
    # Pillow writes no 16-bit RGB PNG: this one is written by hand, and its expected pixels are
    # each sample scaled as libpng's png_set_scale_16 does (v * 255 / 65535, rounded).
    width, height = 7, 3
    samples = [((x * 9000 + y * 17) % 65536, (y * 30000 + x) % 65536, (x * y * 5000) % 65536)
               for y in range(height) for x in range(width)]
    rows = b"".join(b"\x00" + b"".join(struct.pack(">HHH", *samples[y * width + x]) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rgb16 = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
             + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    hand_written = [("png_rgb16", rgb16, bytes(round(v * 255 / 65535) for pixel in samples for v in pixel),
                     (width, height))]
    for orientation in range(1, 9):
        cases.append((f"jpeg_exif_{orientation}", base, "JPEG", {"quality": 95, "exif": exif(orientation)}, None))
    index = {"pillow": PIL.__version__, "cases": []}
    for name, image, format, options, refusal in cases:
        buffer = io.BytesIO()
        image.save(buffer, format=format, **options)
        data = buffer.getvalue()
        extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[format]
        with open(os.path.join(directory, f"{name}.{extension}"), "wb") as file:
            file.write(data)
        entry = {"name": name, "file": f"{name}.{extension}", "format": format.lower().replace("jpeg", "jpeg")}
        if refusal:
            entry["refusal"] = refusal
        else:
            decoded = expected(data)
            entry["width"], entry["height"] = decoded.size
            with open(os.path.join(directory, f"{name}.rgb"), "wb") as file:
                file.write(decoded.tobytes())
        index["cases"].append(entry)
    for name, data, rgb, (width, height) in hand_written:
        with open(os.path.join(directory, f"{name}.png"), "wb") as file:
            file.write(data)
        with open(os.path.join(directory, f"{name}.rgb"), "wb") as file:
            file.write(rgb)
        index["cases"].append({"name": name, "file": f"{name}.png", "format": "png", "width": width,
                               "height": height})
    with open(os.path.join(directory, "index.json"), "w") as file:
        json.dump(index, file, indent=1)
        file.write("\n")


def write_lanczos():
    directory = os.path.join(ROOT, "lanczos")
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(20)
    index = {"pillow": PIL.__version__, "sources": []}
    # (source size, kind, targets): noise is the worst case for rounding; a smooth ramp with an
    # edge is the kind of picture an init image is.
    for (width, height), kind, targets in [
        ((37, 23), "noise", [(16, 10), (80, 50), (37, 11), (13, 23), (5, 97), (1, 1), (36, 22), (111, 69)]),
        ((200, 120), "smooth", [(31, 17), (64, 64), (199, 121), (260, 150)]),
    ]:
        source = Image.new("RGB", (width, height))
        if kind == "noise":
            source.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(width * height)])
        else:
            source.putdata([((x * 255) // width, 255 if (x - 100) ** 2 + (y - 60) ** 2 < 900 else 0, (y * 2) % 256)
                            for y in range(height) for x in range(width)])
        name = f"{kind}_{width}x{height}"
        with open(os.path.join(directory, f"{name}.rgb"), "wb") as file:
            file.write(source.tobytes())
        entry = {"name": name, "width": width, "height": height, "targets": []}
        for target in targets:
            resized = source.resize(target, Image.LANCZOS)
            file_name = f"{name}_to_{target[0]}x{target[1]}.rgb"
            with open(os.path.join(directory, file_name), "wb") as file:
                file.write(resized.tobytes())
            entry["targets"].append({"width": target[0], "height": target[1], "file": file_name})
        index["sources"].append(entry)
    with open(os.path.join(directory, "index.json"), "w") as file:
        json.dump(index, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    write_decode()
    write_lanczos()
