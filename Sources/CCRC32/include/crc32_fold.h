#ifndef MOSAIC_CCRC32_FOLD_H
#define MOSAIC_CCRC32_FOLD_H
// CRC-32 (IEEE 802.3, zlib's polynomial) by carry-less multiplication: the bulk of a buffer is
// folded 64 bytes at a time with PCLMULQDQ, as in Intel's white paper "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009). Swift cannot call the
// instruction's intrinsic, hence this small C target; MosaicRender's CRC32 uses it for the bulk
// and its own table code for short inputs and tails.
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has PCLMULQDQ and SSE4.1 (checked once, at first call).
int mosaic_crc32_fold_available(void);

/// Feeds `length` bytes at `bytes` into the running CRC `state` (zlib's internal value: the
/// bitwise complement of the checksum so far; 0xFFFFFFFF for no bytes) and returns the new state.
/// `length` must be a multiple of 16 and at least 64; the CPU must pass the availability check.
uint32_t mosaic_crc32_fold(uint32_t state, const uint8_t *bytes, size_t length);

/// The same, also copying the bytes to `destination` (which must not overlap them) in the same
/// pass over memory: reading a checkpoint's tensors once for both its checksum and its aligned
/// write buffer costs about what the checksum alone does.
uint32_t mosaic_crc32_fold_copy(uint32_t state, uint8_t *destination, const uint8_t *bytes, size_t length);

#endif
