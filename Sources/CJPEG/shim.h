#ifndef MOSAIC_CJPEG_SHIM_H
#define MOSAIC_CJPEG_SHIM_H
// libjpeg's error_exit must not return, so it longjmps to a setjmp in the caller, which Swift
// cannot write: each helper below holds its own setjmp and turns an error into -1 and a message.
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_decompress_struct info;
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
} mosaic_jpeg_reader;

static void mosaic_jpeg_error_exit(j_common_ptr info) {
    mosaic_jpeg_reader *reader = (mosaic_jpeg_reader *)info->client_data;
    (*info->err->format_message)(info, reader->message);
    longjmp(reader->jump, 1);
}

// A premature end of data is only a warning to libjpeg (it pads with grey); remember it.
static void mosaic_jpeg_emit_message(j_common_ptr info, int level) {
    mosaic_jpeg_reader *reader = (mosaic_jpeg_reader *)info->client_data;
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) reader->truncated = 1;
}

/// A decompressor reading `size` bytes at `data` (which must outlive it), or NULL without memory.
static inline mosaic_jpeg_reader *mosaic_jpeg_open(const unsigned char *data, unsigned long size) {
    mosaic_jpeg_reader *reader = (mosaic_jpeg_reader *)calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->info.err = jpeg_std_error(&reader->manager);
    reader->manager.error_exit = mosaic_jpeg_error_exit;
    reader->manager.emit_message = mosaic_jpeg_emit_message;
    reader->info.client_data = reader;
    if (setjmp(reader->jump)) { free(reader); return NULL; }
    jpeg_create_decompress(&reader->info);
    jpeg_mem_src(&reader->info, data, size);
    jpeg_save_markers(&reader->info, JPEG_APP0 + 1, 0xffff);
    return reader;
}

/// Reads the header and keeps the APP1 markers (EXIF). Returns 0, or -1 with `message` set.
static inline int mosaic_jpeg_read_header(mosaic_jpeg_reader *reader) {
    if (setjmp(reader->jump)) return -1;
    jpeg_read_header(&reader->info, TRUE);
    return 0;
}

/// Decodes the whole image as 8-bit RGB into `width * height * 3` bytes at `rgb`.
/// Returns 0, or -1 with `message` set; a truncated stream is an error, not grey padding.
static inline int mosaic_jpeg_read_rgb(mosaic_jpeg_reader *reader, unsigned char *rgb) {
    if (setjmp(reader->jump)) return -1;
    struct jpeg_decompress_struct *info = &reader->info;
    info->out_color_space = JCS_RGB;
    jpeg_start_decompress(info);
    if (info->output_components != 3) {
        strcpy(reader->message, "libjpeg cannot convert this colour space to RGB");
        return -1;
    }
    while (info->output_scanline < info->output_height) {
        JSAMPROW row = rgb + (size_t)info->output_scanline * info->output_width * 3;
        jpeg_read_scanlines(info, &row, 1);
    }
    jpeg_finish_decompress(info);
    if (reader->truncated) {
        strcpy(reader->message, "the file is truncated (premature end of JPEG data)");
        return -1;
    }
    return 0;
}

/// Frees the decompressor.
static inline void mosaic_jpeg_close(mosaic_jpeg_reader *reader) {
    jpeg_destroy_decompress(&reader->info);
    free(reader);
}
#endif
