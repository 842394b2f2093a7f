#ifndef MOSAIC_CWEBP_SHIM_H
#define MOSAIC_CWEBP_SHIM_H
#include <webp/encode.h>
#include <webp/decode.h>
#include <webp/mux.h>
#include <webp/demux.h>

// The WebP API's version checks live in static inline functions and macros that Swift
// cannot see; these helpers call them with the header's ABI versions.
static inline int mosaic_webp_config_init(WebPConfig *config) { return WebPConfigInit(config); }
static inline int mosaic_webp_picture_init(WebPPicture *picture) { return WebPPictureInit(picture); }
static inline WebPMux *mosaic_webp_mux_new(void) { return WebPMuxNew(); }
static inline WebPMux *mosaic_webp_mux_create(const WebPData *data, int copy) { return WebPMuxCreate(data, copy); }
static inline WebPDemuxer *mosaic_webp_demux(const WebPData *data) { return WebPDemux(data); }
static inline int mosaic_webp_init_decoder_config(WebPDecoderConfig *config) { return WebPInitDecoderConfig(config); }
static inline VP8StatusCode mosaic_webp_get_features(const uint8_t *data, size_t size, WebPBitstreamFeatures *features) {
    return WebPGetFeatures(data, size, features);
}
#endif
