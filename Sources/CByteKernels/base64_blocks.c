#include "ByteKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Sixteen characters at a time, after Muła and Lemire ("Faster Base64 Encoding and Decoding using AVX2
 * Instructions", 2018), with the tables worked out for the standard alphabet:
 *
 * Validity: a character is valid when no bit is set in both invalid_by_low[low nibble] and invalid_by_high[high
 * nibble]. Each bit stands for one row of the ASCII table: 0x01 the 0x2_ row (only '+' B and '/' F valid), 0x02 the
 * 0x3_ row (digits 0-9), 0x04 the 0x4_ and 0x6_ rows (all but nibble 0), 0x08 the 0x5_ and 0x7_ rows (nibbles 0-A),
 * and 0x10 the rows with no valid character at all (0x0_, 0x1_, 0x8_-0xF_).
 *
 * Value: the character plus shift_by_row[high nibble], where '/' borrows the slot before its row (its high nibble
 * minus one), so '+' (0x2B + 19) and '/' (0x2F + 16) come out as 62 and 63.
 */
__attribute__((target("ssse3")))
size_t turns_base64_decode_blocks(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int *invalid) {
    const __m128i invalid_by_low = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                                 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m128i invalid_by_high = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                                  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m128i shift_by_row = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nibble = _mm_set1_epi8(0x0F);
    const __m128i slash = _mm_set1_epi8('/');
    /* Six-bit values a b c d → (a<<6|b) and (c<<6|d) in 16-bit lanes → 24 bits in each 32-bit lane. */
    const __m128i pairs = _mm_set1_epi32(0x01400140);
    const __m128i quads = _mm_set1_epi32(0x00011000);
    /* The three bytes of each 32-bit lane, most significant first. */
    const __m128i gather = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);

    size_t read = 0, written = 0;
    __m128i bad = _mm_setzero_si128();
    while (count - read >= 16 && capacity - written >= 16) {
        __m128i characters = _mm_loadu_si128((const __m128i *)(text + read));
        __m128i high = _mm_and_si128(_mm_srli_epi32(characters, 4), nibble);
        __m128i low = _mm_and_si128(characters, nibble);
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_shuffle_epi8(invalid_by_low, low),
                                              _mm_shuffle_epi8(invalid_by_high, high)));
        __m128i row = _mm_add_epi8(_mm_cmpeq_epi8(characters, slash), high);
        __m128i values = _mm_add_epi8(characters, _mm_shuffle_epi8(shift_by_row, row));
        __m128i merged = _mm_madd_epi16(_mm_maddubs_epi16(values, pairs), quads);
        _mm_storeu_si128((__m128i *)(output + written), _mm_shuffle_epi8(merged, gather));
        read += 16;
        written += 12;
    }
    /* Any nonzero byte of `bad` marks an invalid character. */
    *invalid = _mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xFFFF;
    return read;
}

/* Decodes up to 16 characters (a multiple of 4 apart from a last group of 2 or 3) through a padded block; -1 when
 * one is not in the alphabet. The padding character 'A' stands for zero bits, so it changes no byte written. */
__attribute__((target("ssse3")))
static ptrdiff_t decode_short(const uint8_t *text, size_t count, uint8_t *output) {
    uint8_t block[16], bytes[16];
    memset(block, 'A', sizeof block);
    memcpy(block, text, count);
    int invalid = 0;
    turns_base64_decode_blocks(block, 16, bytes, 16, &invalid);
    if (invalid) return -1;
    size_t produced = count / 4 * 3 + (count % 4 ? count % 4 - 1 : 0);
    memcpy(output, bytes, produced);
    return (ptrdiff_t)produced;
}

__attribute__((target("ssse3")))
ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    size_t end = count;
    int padding = 0;
    while (end > 0 && text[end - 1] == '=' && padding < 2) { end--; padding++; }
    /* With padding the length must be whole quads; without it, a lone trailing character is impossible. */
    if ((padding > 0 && count % 4 != 0) || end % 4 == 1) return -1;
    size_t produced = end / 4 * 3 + (end % 4 ? end % 4 - 1 : 0);
    if (capacity < produced) return -1;
    int invalid = 0;
    size_t read = turns_base64_decode_blocks(text, end, output, capacity, &invalid);
    if (invalid) return -1;
    size_t written = read / 4 * 3;
    while (read < end) {
        size_t take = end - read < 16 ? end - read : 16;
        ptrdiff_t got = decode_short(text + read, take, output + written);
        if (got < 0) return -1;
        read += take;
        written += (size_t)got;
    }
    return (ptrdiff_t)written;
}

int turns_base64_blocks_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("ssse3");
}

#else

int turns_base64_blocks_available(void) { return 0; }

size_t turns_base64_decode_blocks(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int *invalid) {
    (void)text; (void)count; (void)output; (void)capacity;
    *invalid = 0;
    return 0;
}

ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    (void)text; (void)count; (void)output; (void)capacity;
    __builtin_trap(); /* Callers check turns_base64_blocks_available first. */
}

#endif
