#include "ByteKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * The folding constants are x^n mod P for the IEEE polynomial P = 0x104C11DB7, bit-reflected to 32 bits and shifted
 * left by one, as Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" derives them. Folding a
 * 128-bit lane forward by D bits multiplies its low half by x^(D+32) and its high half by x^(D-32), in the reflected
 * domain. CRC32Tests checks the fold against a bitwise CRC at every length, alignment and seed it tries.
 */
#define FOLD_512_LOW  0x154442bd4ULL  /* x^(4*128+32): four lanes, 64 bytes ahead */
#define FOLD_512_HIGH 0x1c6e41596ULL  /* x^(4*128-32) */
#define FOLD_128_LOW  0x1751997d0ULL  /* x^(128+32): one lane, 16 bytes ahead */
#define FOLD_128_HIGH 0x0ccaa009eULL  /* x^(128-32) */

__attribute__((target("pclmul,sse2")))
static inline __m128i fold(__m128i lane, __m128i constants, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00);
    __m128i high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse2")))
void turns_crc32_fold(const uint8_t *bytes, size_t count, uint32_t state, uint8_t folded[16]) {
    const __m128i by128 = _mm_set_epi64x((long long)FOLD_128_HIGH, (long long)FOLD_128_LOW);
    /* The running state is folded into the first four bytes, as the byte-wise table would consume it. */
    __m128i first = _mm_xor_si128(_mm_loadu_si128((const __m128i *)bytes), _mm_cvtsi32_si128((int)state));
    __m128i lane;
    size_t offset;
    if (count >= 64) {
        /* Four independent lanes keep the multiplier busy; they are folded into one at the end. */
        const __m128i by512 = _mm_set_epi64x((long long)FOLD_512_HIGH, (long long)FOLD_512_LOW);
        __m128i a = first;
        __m128i b = _mm_loadu_si128((const __m128i *)(bytes + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(bytes + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(bytes + 48));
        for (offset = 64; count - offset >= 64; offset += 64) {
            a = fold(a, by512, _mm_loadu_si128((const __m128i *)(bytes + offset)));
            b = fold(b, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 16)));
            c = fold(c, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 32)));
            d = fold(d, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 48)));
        }
        lane = fold(fold(fold(a, by128, b), by128, c), by128, d);
    } else {
        lane = first;
        offset = 16;
    }
    for (; offset < count; offset += 16) {
        lane = fold(lane, by128, _mm_loadu_si128((const __m128i *)(bytes + offset)));
    }
    _mm_storeu_si128((__m128i *)folded, lane);
}

int turns_crc32_fold_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
}

#else

int turns_crc32_fold_available(void) { return 0; }

void turns_crc32_fold(const uint8_t *bytes, size_t count, uint32_t state, uint8_t folded[16]) {
    (void)bytes; (void)count; (void)state; (void)folded;
    __builtin_trap(); /* Callers check turns_crc32_fold_available first. */
}

#endif
