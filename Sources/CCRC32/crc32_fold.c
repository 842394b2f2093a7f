// Folding CRC-32 over PCLMULQDQ (see include/crc32_fold.h). Everything is in the bit-reflected
// domain of zlib's CRC: a 128-bit register x stands for the polynomial whose coefficient of
// x^127 is bit 0 of its first byte. Folding multiplies the part of the register that lies
// "ahead" by x^k mod P for the distance k it must travel, which the constants below are:
//   fold by 512 bits: x^(4*128+32) mod P, x^(4*128-32) mod P
//   fold by 128 bits: x^(128+32) mod P,   x^(128-32) mod P
//   128 -> 64 bits:   x^64 mod P;  Barrett reduction 64 -> 32 bits: P and floor(x^64 / P),
// each bit-reflected and shifted left by one, as the white paper tabulates them.
#include "crc32_fold.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define MOSAIC_FOLD_TARGET __attribute__((target("pclmul,sse4.1")))

int mosaic_crc32_fold_available(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    }
    return cached;
}

MOSAIC_FOLD_TARGET
static inline __m128i fold(__m128i x, __m128i constants, __m128i next) {
    // The low half travels with the low constant, the high half with the high one.
    __m128i low = _mm_clmulepi64_si128(x, constants, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

// Loads 16 bytes at `offset` and, when copying, stores them to the same offset of `dst`:
// non-temporal stores when `dst` is 16-byte aligned (the copy goes to a write buffer that the
// CPU does not read again, so it should not evict the cache or cost a read for ownership).
#define MOSAIC_LOAD(offset) load_and_copy(bytes + (offset), dst ? dst + (offset) : NULL, streaming)

MOSAIC_FOLD_TARGET
static inline __m128i load_and_copy(const uint8_t *source, uint8_t *destination, int streaming) {
    __m128i value = _mm_loadu_si128((const __m128i *)source);
    if (destination) {
        if (streaming) _mm_stream_si128((__m128i *)destination, value);
        else _mm_storeu_si128((__m128i *)destination, value);
    }
    return value;
}

MOSAIC_FOLD_TARGET
static inline uint32_t fold_bytes(uint32_t state, uint8_t *dst, const uint8_t *bytes, size_t length, const int streaming) {
    const __m128i fold512 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
    const __m128i fold128 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
    const __m128i fold64 = _mm_set_epi64x(0, 0x163cd6124LL);
    const __m128i barrett = _mm_set_epi64x(0x1f7011641LL, 0x1db710641LL);
    const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);

    __m128i x0 = _mm_xor_si128(MOSAIC_LOAD(0), _mm_cvtsi32_si128((int)state));
    __m128i x1 = MOSAIC_LOAD(16);
    __m128i x2 = MOSAIC_LOAD(32);
    __m128i x3 = MOSAIC_LOAD(48);
    bytes += 64;
    if (dst) dst += 64;
    length -= 64;

    // Four independent lanes keep the multiplier's pipeline full.
    while (length >= 64) {
        x0 = fold(x0, fold512, MOSAIC_LOAD(0));
        x1 = fold(x1, fold512, MOSAIC_LOAD(16));
        x2 = fold(x2, fold512, MOSAIC_LOAD(32));
        x3 = fold(x3, fold512, MOSAIC_LOAD(48));
        bytes += 64;
        if (dst) dst += 64;
        length -= 64;
    }

    // Fold the four lanes into one, then the remaining 16-byte blocks.
    x0 = fold(x0, fold128, x1);
    x0 = fold(x0, fold128, x2);
    x0 = fold(x0, fold128, x3);
    while (length >= 16) {
        x0 = fold(x0, fold128, MOSAIC_LOAD(0));
        bytes += 16;
        if (dst) dst += 16;
        length -= 16;
    }
    // Non-temporal stores are weakly ordered: make them visible before the caller uses the copy.
    if (streaming) _mm_sfence();

    // 128 -> 64 bits: the low half moves 64 bits ahead onto the high half.
    __m128i x = _mm_xor_si128(_mm_clmulepi64_si128(x0, fold128, 0x10), _mm_srli_si128(x0, 8));
    // 64 -> 32 bits.
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), fold64, 0x00), _mm_srli_si128(x, 4));
    // Barrett reduction to the 32-bit remainder.
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), barrett, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x, t), 1);
}

MOSAIC_FOLD_TARGET
uint32_t mosaic_crc32_fold(uint32_t state, const uint8_t *bytes, size_t length) {
    return fold_bytes(state, NULL, bytes, length, 0);
}

MOSAIC_FOLD_TARGET
uint32_t mosaic_crc32_fold_copy(uint32_t state, uint8_t *destination, const uint8_t *bytes, size_t length) {
    // Two specialised loops: the alignment test stays out of the inner one.
    if (((uintptr_t)destination & 15) == 0) return fold_bytes(state, destination, bytes, length, 1);
    return fold_bytes(state, destination, bytes, length, 0);
}

#else

int mosaic_crc32_fold_available(void) { return 0; }

uint32_t mosaic_crc32_fold(uint32_t state, const uint8_t *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return state;
}

uint32_t mosaic_crc32_fold_copy(uint32_t state, uint8_t *destination, const uint8_t *bytes, size_t length) {
    (void)destination;
    (void)bytes;
    (void)length;
    return state;
}

#endif
