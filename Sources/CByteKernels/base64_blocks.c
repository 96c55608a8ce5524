#include "ByteKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Sixteen (SSSE3) or thirty-two (AVX2) characters at a time, after Muła and Lemire ("Faster Base64 Encoding and
 * Decoding using AVX2 Instructions", 2018), with the tables worked out for the standard alphabet:
 *
 * Validity: a character is valid when no bit is set in both INVALID_BY_LOW[low nibble] and INVALID_BY_HIGH[high
 * nibble]. Each bit stands for one row of the ASCII table: 0x01 the 0x2_ row (only '+' B and '/' F valid), 0x02 the
 * 0x3_ row (digits 0-9), 0x04 the 0x4_ and 0x6_ rows (all but nibble 0), 0x08 the 0x5_ and 0x7_ rows (nibbles 0-A),
 * and 0x10 the rows with no valid character at all (0x0_, 0x1_, 0x8_-0xF_).
 *
 * Value: the character plus SHIFT_BY_ROW[high nibble], where '/' borrows the slot before its row (its high nibble
 * minus one), so '+' (0x2B + 19) and '/' (0x2F + 16) come out as 62 and 63.
 *
 * Packing: six-bit values a b c d become (a<<6|b) and (c<<6|d) in 16-bit lanes, then 24 bits in each 32-bit lane,
 * whose three bytes GATHER takes most significant first.
 */
#define INVALID_BY_LOW 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A
#define INVALID_BY_HIGH 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10
#define SHIFT_BY_ROW 0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0
#define GATHER 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1

static int widest_step;

__attribute__((constructor))
static void detect_base64_instructions(void) {
    widest_step = turns_base64_widest_step();
}

/* The widest step, as found before main. */
static inline int vector_step(void) { return widest_step; }

/* Twelve bytes (in a 16-byte lane, the last four zero) from sixteen characters; invalid ones set bits in *bad. */
__attribute__((target("ssse3,sse4.1")))
static inline __m128i decode16(__m128i characters, __m128i *bad) {
    const __m128i nibble = _mm_set1_epi8(0x0F);
    __m128i high = _mm_and_si128(_mm_srli_epi32(characters, 4), nibble);
    __m128i low = _mm_and_si128(characters, nibble);
    *bad = _mm_or_si128(*bad, _mm_and_si128(_mm_shuffle_epi8(_mm_setr_epi8(INVALID_BY_LOW), low),
                                            _mm_shuffle_epi8(_mm_setr_epi8(INVALID_BY_HIGH), high)));
    __m128i row = _mm_add_epi8(_mm_cmpeq_epi8(characters, _mm_set1_epi8('/')), high);
    __m128i values = _mm_add_epi8(characters, _mm_shuffle_epi8(_mm_setr_epi8(SHIFT_BY_ROW), row));
    __m128i merged = _mm_madd_epi16(_mm_maddubs_epi16(values, _mm_set1_epi32(0x01400140)), _mm_set1_epi32(0x00011000));
    return _mm_shuffle_epi8(merged, _mm_setr_epi8(GATHER));
}

/* Whole 32-character blocks from the start of `text`, 24 bytes each (32-byte stores), while they fit; invalid
 * characters set bits in *bad. Returns the characters decoded. */
__attribute__((target("avx2")))
static inline __attribute__((always_inline)) size_t decode_blocks32(const uint8_t *text, size_t count, uint8_t *output,
                                                                    size_t capacity, __m256i *bad) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i invalid_by_low = _mm256_setr_epi8(INVALID_BY_LOW, INVALID_BY_LOW);
    const __m256i invalid_by_high = _mm256_setr_epi8(INVALID_BY_HIGH, INVALID_BY_HIGH);
    const __m256i shift_by_row = _mm256_setr_epi8(SHIFT_BY_ROW, SHIFT_BY_ROW);
    const __m256i gather = _mm256_setr_epi8(GATHER, GATHER);
    /* The two lanes' twelve bytes side by side. */
    const __m256i together = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    size_t read = 0, written = 0;
    while (count - read >= 32 && capacity - written >= 32) {
        __m256i characters = _mm256_loadu_si256((const __m256i *)(text + read));
        __m256i high = _mm256_and_si256(_mm256_srli_epi32(characters, 4), nibble);
        __m256i low = _mm256_and_si256(characters, nibble);
        *bad = _mm256_or_si256(*bad, _mm256_and_si256(_mm256_shuffle_epi8(invalid_by_low, low),
                                                      _mm256_shuffle_epi8(invalid_by_high, high)));
        __m256i row = _mm256_add_epi8(_mm256_cmpeq_epi8(characters, _mm256_set1_epi8('/')), high);
        __m256i values = _mm256_add_epi8(characters, _mm256_shuffle_epi8(shift_by_row, row));
        __m256i merged = _mm256_madd_epi16(_mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140)),
                                           _mm256_set1_epi32(0x00011000));
        __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(merged, gather), together);
        _mm256_storeu_si256((__m256i *)(output + written), bytes);
        read += 32;
        written += 24;
    }
    return read;
}

/* Up to 16 characters (whole quads) through a copy padded with 'A', which
 * stands for zero bits and so changes no byte written; -1 when one is not in the alphabet. */
__attribute__((target("ssse3,sse4.1")))
static ptrdiff_t decode_short(const uint8_t *text, size_t count, uint8_t *output) {
    uint8_t block[16], bytes[16];
    memset(block, 'A', sizeof block);
    memcpy(block, text, count);
    __m128i bad = _mm_setzero_si128();
    _mm_storeu_si128((__m128i *)bytes, decode16(_mm_loadu_si128((const __m128i *)block), &bad));
    if (!_mm_testz_si128(bad, bad)) return -1;
    size_t produced = count / 4 * 3;
    memcpy(output, bytes, produced);
    return (ptrdiff_t)produced;
}

/* The six-bit value of a base64 character, or -1. */
static inline int value_of(uint8_t character) {
    if (character >= 'A' && character <= 'Z') return character - 'A';
    if (character >= 'a' && character <= 'z') return character - 'a' + 26;
    if (character >= '0' && character <= '9') return character - '0' + 52;
    if (character == '+') return 62;
    if (character == '/') return 63;
    return -1;
}

/* The one or two bytes of a last group of two or three characters; -1 when one is not in the alphabet. */
static inline ptrdiff_t decode_last_group(const uint8_t *text, size_t count, uint8_t *output) {
    int a = value_of(text[0]), b = value_of(text[1]), c = count == 3 ? value_of(text[2]) : 0;
    if ((a | b | c) < 0) return -1;
    output[0] = (uint8_t)(a << 2 | b >> 4);
    if (count == 3) output[1] = (uint8_t)(b << 4 | c >> 2);
    return (ptrdiff_t)count - 1;
}

/* Decodes from character `read` (byte `written`) on, the blocks before it done: 16-character blocks, one that ends
 * with the last whole quad, a copy for blocks without room, the last short group. */
__attribute__((target("ssse3,sse4.1")))
static inline __attribute__((always_inline)) ptrdiff_t decode_from(const uint8_t *text, size_t end, uint8_t *output,
                                                                   size_t capacity, size_t read, size_t written,
                                                                   __m128i bad) {
    size_t quads = end - end % 4;
    while (quads - read >= 16 && capacity - written >= 16) {
        _mm_storeu_si128((__m128i *)(output + written), decode16(_mm_loadu_si128((const __m128i *)(text + read)), &bad));
        read += 16;
        written += 12;
    }
    /* (The steps above stop with fewer than 16 characters left, or with less room than the block below needs.) */
    if (read < quads && quads - read < 16 && quads >= 16 && capacity >= (quads - 16) / 4 * 3 + 16) {
        /* The last whole quads through one block that ends with them, rewriting a few bytes already written. */
        size_t at = quads - 16;
        _mm_storeu_si128((__m128i *)(output + at / 4 * 3), decode16(_mm_loadu_si128((const __m128i *)(text + at)), &bad));
        read = quads;
        written = quads / 4 * 3;
    }
    if (!_mm_testz_si128(bad, bad)) return -1;
    /* What is left: whole quads there was no room to store sixteen bytes for, through a copy; a last short group. */
    while (read < quads) {
        size_t take = quads - read < 16 ? quads - read : 16;
        ptrdiff_t got = decode_short(text + read, take, output + written);
        if (got < 0) return -1;
        read += take;
        written += (size_t)got;
    }
    if (end > quads) {
        ptrdiff_t got = decode_last_group(text + quads, end - quads, output + written);
        if (got < 0) return -1;
        written += (size_t)got;
    }
    return (ptrdiff_t)written;
}

__attribute__((target("ssse3,sse4.1")))
static ptrdiff_t decode_ssse3(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    return decode_from(text, count, output, capacity, 0, 0, _mm_setzero_si128());
}

__attribute__((target("avx2")))
static ptrdiff_t decode_avx2(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    __m256i bad = _mm256_setzero_si256();
    size_t quads = count - count % 4;
    size_t read = decode_blocks32(text, quads, output, capacity, &bad);
    if (read < quads && quads - read < 32 && quads >= 32 && capacity >= (quads - 32) / 4 * 3 + 32) {
        /* The last whole quads through one block that ends with them, rewriting a few bytes already written (a
         * Bedrock chunk's 120 characters are four blocks, not three and two half blocks). */
        size_t at = quads - 32;
        read = at + decode_blocks32(text + at, 32, output + at / 4 * 3, 32, &bad);
    }
    __m128i folded = _mm_or_si128(_mm256_castsi256_si128(bad), _mm256_extracti128_si256(bad, 1));
    return decode_from(text, count, output, capacity, read, read / 4 * 3, folded);
}

/*
 * Sixty-four characters at a time with AVX-512 VBMI, after Lemire and Muła ("Base64 encoding and decoding at almost
 * the speed of a memory copy", 2019): one two-table byte permute maps every character to its value (VALUES: 0x80
 * for a byte outside the alphabet; a byte of 0x80 or above is caught by its own high bit), the values are packed as
 * in decode16, and one byte permute gathers the 48 bytes. Masked loads and stores take the last block as it is,
 * padded with 'A' (zero bits), so no copy and no scalar group is needed and nothing past the text is read or past
 * the bytes produced is written.
 */
#define TARGET_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#define X -128
static const int8_t VALUES[128] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,             X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,           52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,        15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
};
#undef X
/* Byte j of the output is byte 2 - j % 3 of 32-bit lane j / 3 (most significant first); the last 16 unused. */
static const uint8_t GATHER48[64] = {
    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 18, 17, 16, 22, 21, 20, 26, 25, 24, 30, 29, 28,
    34, 33, 32, 38, 37, 36, 42, 41, 40, 46, 45, 44, 50, 49, 48, 54, 53, 52, 58, 57, 56, 62, 61, 60,
};

/* The mask of the first `count` (at most 64) bytes. */
static inline uint64_t first_bytes(size_t count) {
    return count >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << count) - 1;
}

TARGET_VBMI static ptrdiff_t decode_vbmi(const uint8_t *text, size_t count, uint8_t *output) {
    const __m512i values_low = _mm512_loadu_si512(VALUES), values_high = _mm512_loadu_si512(VALUES + 64);
    const __m512i gather = _mm512_loadu_si512(GATHER48);
    const __m512i zero_bits = _mm512_set1_epi8('A');
    __m512i bad = _mm512_setzero_si512();
    size_t read = 0, written = 0;
    while (read < count) {
        size_t take = count - read < 64 ? count - read : 64;
        /* A last group of two or three characters stands for one or two bytes. */
        size_t produced = take / 4 * 3 + (take % 4 == 0 ? 0 : take % 4 - 1);
        __m512i characters = _mm512_mask_loadu_epi8(zero_bits, first_bytes(take), text + read);
        __m512i values = _mm512_permutex2var_epi8(values_low, characters, values_high);
        bad = _mm512_ternarylogic_epi64(bad, values, characters, 0xFE); /* bad | values | characters */
        __m512i merged = _mm512_madd_epi16(_mm512_maddubs_epi16(values, _mm512_set1_epi32(0x01400140)),
                                           _mm512_set1_epi32(0x00011000));
        _mm512_mask_storeu_epi8(output + written, first_bytes(produced), _mm512_permutexvar_epi8(gather, merged));
        read += take;
        written += produced;
    }
    return _mm512_movepi8_mask(bad) == 0 ? (ptrdiff_t)written : -1;
}

int turns_base64_widest_step(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("ssse3") || !__builtin_cpu_supports("sse4.1")) return 0;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi"))
        return 64;
    return __builtin_cpu_supports("avx2") ? 32 : 16;
}

ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    return turns_base64_decode_steps(text, count, output, capacity, widest_step);
}

ptrdiff_t turns_base64_decode_steps(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int step) {
    if (step > widest_step) step = widest_step;
    if (step >= 64) return decode_vbmi(text, count, output);
    if (step >= 32) return decode_avx2(text, count, output, capacity);
    return decode_ssse3(text, count, output, capacity);
}

#else

static inline int vector_step(void) { return 0; }

int turns_base64_widest_step(void) { return 0; }

ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity) {
    (void)text; (void)count; (void)output; (void)capacity;
    __builtin_trap(); /* Callers check turns_base64_widest_step first. */
}

ptrdiff_t turns_base64_decode_steps(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int step) {
    (void)step;
    return turns_base64_decode(text, count, output, capacity);
}

#endif

int turns_base64_measure(const uint8_t *text, size_t count, size_t *end, size_t *produced) {
    size_t characters = count, padding = 0;
    while (characters > 0 && text[characters - 1] == '=' && padding < 2) {
        characters--;
        padding++;
    }
    /* With padding the length must be whole quads; without it, a lone trailing character is impossible. */
    if ((padding > 0 && count % 4 != 0) || characters % 4 == 1) return 0;
    *end = characters;
    *produced = characters / 4 * 3 + (characters % 4 == 0 ? 0 : characters % 4 - 1);
    return 1;
}

size_t turns_base64_decode_payloads(const uint8_t *bytes, const turns_eventstream_frame *frames, size_t count,
                                    const uint8_t *prefix, size_t prefix_count, const uint8_t *suffix,
                                    size_t suffix_count, uint8_t *output, size_t capacity, size_t *ends) {
    if (vector_step() == 0) return 0;
    size_t written = 0, decoded = 0;
    const uint8_t *message = bytes;
    for (; decoded < count; decoded++) {
        const turns_eventstream_frame *frame = frames + decoded;
        const uint8_t *payload = message + 12 + frame->headers;
        size_t payload_count = frame->total - 16 - frame->headers;
        if (payload_count < prefix_count + suffix_count || !turns_equal_bytes(payload, prefix, prefix_count)
            || !turns_equal_bytes(payload + payload_count - suffix_count, suffix, suffix_count)) break;
        size_t end, produced;
        if (!turns_base64_measure(payload + prefix_count, payload_count - prefix_count - suffix_count, &end, &produced)
            || capacity - written < produced + 64) break;
        if (produced > 0) {
            ptrdiff_t got = turns_base64_decode(payload + prefix_count, end, output + written, capacity - written);
            if (got < 0) break;
            written += (size_t)got;
        }
        ends[decoded] = written;
        message += frame->total;
    }
    return decoded;
}
