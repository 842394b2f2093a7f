#ifndef MOSAIC_CPNG_SHIM_H
#define MOSAIC_CPNG_SHIM_H
// libpng reports errors by longjmp to a setjmp in the caller, which Swift cannot write: these
// helpers hold the setjmp, read from memory, and turn an error into a return value and a message.
#include <png.h>
#include <setjmp.h>
#include <string.h>

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[200];
} mosaic_png_source;

static void mosaic_png_error(png_structp png, png_const_charp text) {
    mosaic_png_source *source = (mosaic_png_source *)png_get_error_ptr(png);
    strncpy(source->message, text ? text : "libpng error", sizeof source->message - 1);
    png_longjmp(png, 1);
}

static void mosaic_png_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void mosaic_png_read(png_structp png, png_bytep out, size_t count) {
    mosaic_png_source *source = (mosaic_png_source *)png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "the file is truncated");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

/// Decodes a PNG whose header the caller has checked into 8-bit RGBA (`width * height * 4`
/// bytes at `rgba`): palette, grey and 16-bit samples are expanded or scaled, missing alpha is
/// 255. Returns 0, or -1 with `source->message` set.
static inline int mosaic_png_decode_rgba(mosaic_png_source *source, unsigned width, unsigned height,
                                         unsigned char *rgba) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, mosaic_png_error, mosaic_png_warning);
    if (!png) { strcpy(source->message, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        if (!source->message[0]) strcpy(source->message, "out of memory");
        return -1;
    }
    png_set_read_fn(png, source, mosaic_png_read);
    // The caller has already applied its own pixel limit; libpng's default (1,000,000 per side) is looser.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    if (png_get_image_width(png, info) != width || png_get_image_height(png, info) != height)
        png_error(png, "the header changed between reads");
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    (void)passes;
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 4) png_error(png, "unexpected row size after conversion");
    rows = (png_bytep *)png_malloc(png, sizeof(png_bytep) * height);
    for (unsigned y = 0; y < height; y++) rows[y] = rgba + (size_t)y * width * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_free(png, rows);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}
#endif
