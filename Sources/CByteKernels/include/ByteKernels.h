#ifndef TURNS_BYTE_KERNELS_H
#define TURNS_BYTE_KERNELS_H

/*
 * Kernels for the event-stream hot path: CRC-32 (carry-less-multiply folding, slicing-by-8 tables), SSSE3, AVX2
 * and AVX-512 VBMI base64 decoding, and a scan that checksums the whole messages of a read in one pass.
 *
 * Swift has no portable way to reach PCLMULQDQ or PSHUFB, so these few loops are C; the CRC's tables live beside its
 * fold so a short message costs one call. Each vector path is tested against its scalar path over generated input
 * (CRC32Tests, Base64Tests).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * Whether `count` bytes at `a` and at `b` are equal. Inline (a repeated event-stream header block of some 75 bytes is
 * compared per message, where calling memcmp costs more than comparing), sixteen bytes at a time with SSE2, which
 * every x86-64 CPU has; the last sixteen bytes are compared in one step that may overlap the ones before.
 */
static inline int turns_equal_bytes(const void *a, const void *b, size_t count) {
#if defined(__SSE2__)
    const uint8_t *left = (const uint8_t *)a, *right = (const uint8_t *)b;
    if (count >= 16) {
        size_t offset = 0;
        for (; count - offset > 16; offset += 16) {
            __m128i same = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(left + offset)),
                                          _mm_loadu_si128((const __m128i *)(right + offset)));
            if (_mm_movemask_epi8(same) != 0xFFFF) return 0;
        }
        __m128i same = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(left + count - 16)),
                                      _mm_loadu_si128((const __m128i *)(right + count - 16)));
        return _mm_movemask_epi8(same) == 0xFFFF;
    }
#endif
    return count == 0 || memcmp(a, b, count) == 0;
}

/* Whether this CPU folds CRC-32 with carry-less multiplication (x86-64 with PCLMULQDQ, SSSE3 and SSE4.1). */
int turns_crc32_can_fold(void);

/*
 * The CRC-32 (IEEE, reflected; zlib's crc32) of `count` bytes, continuing from `crc` (the CRC of the bytes before
 * them; 0 to start). Runs of 32 bytes or more are folded and reduced with carry-less multiplication when `fold` is
 * nonzero and the CPU can; shorter runs go through slicing-by-8 tables.
 */
uint32_t turns_crc32(uint32_t crc, const uint8_t *bytes, size_t count, int fold);

/*
 * How many runs this CPU folds per carry-less multiply instruction: 4 (AVX-512BW and VPCLMULQDQ: 512-bit registers),
 * 2 (AVX2 and VPCLMULQDQ: 256-bit registers), or 1 (one run at a time, or the table where it cannot fold).
 */
int turns_crc32_widest_runs(void);

/*
 * The CRC-32 (from 0) of each of `n` runs: `counts[i]` bytes at `starts[i]` into `crcs[i]`. Groups of four runs of at
 * least 16 bytes share each multiply, `lanes` runs to an instruction (4 or 2), or as many as the CPU can when it can
 * fewer (turns_crc32_widest_runs); the rest, and every run with `lanes` 1, go one by one through turns_crc32.
 */
void turns_crc32_runs(const uint8_t *const starts[], const size_t counts[], uint32_t crcs[], size_t n, int lanes);

/* One message of an event stream, found and checksummed by turns_eventstream_scan. */
typedef struct {
    /* The prelude's total_length and headers_length. */
    uint32_t total;
    uint32_t headers;
    /* The CRC-32 of the message's bytes before its own CRC (to compare with its last four bytes). */
    uint32_t message_crc;
    /* Whether its header block is byte for byte the one before it (`last_headers` for the first). */
    uint8_t repeats_headers;
} turns_eventstream_frame;

/*
 * Finds the whole messages at the start of `bytes` (up to `capacity` of them), each with its prelude CRC matching and
 * lengths that fit together (total at least 16, headers at most total - 16), and computes each one's message CRC,
 * four messages at a time (turns_crc32_runs). Stops before anything else (a message cut by the end, a prelude CRC
 * that does not match, impossible lengths): the caller reads that one itself and says what is wrong. Checking the
 * message CRCs and the limits on lengths is left to the caller. Each frame also says whether its header block
 * repeats the previous message's (`last_headers`, of `last_headers_count` bytes, for the first; NULL when there is
 * none). Returns the frames written.
 */
size_t turns_eventstream_scan(const uint8_t *bytes, size_t count, const uint8_t *last_headers, size_t last_headers_count,
                              turns_eventstream_frame *frames, size_t capacity);

/*
 * The widest step this CPU decodes base64 in, in characters: 64 (AVX-512 VBMI), 32 (AVX2), 16 (SSSE3 and SSE4.1), or
 * 0 when it has none of these (then the caller's own loop decodes, and turns_base64_decode must not be called).
 */
int turns_base64_widest_step(void);

/*
 * Decodes `count` characters of standard base64 into `output`, in the widest steps the CPU has. The caller has
 * measured the text (Base64.swift): `count` stops before any '=' padding and is not one more than a multiple of 4,
 * and `capacity` holds at least the bytes it stands for. Returns the bytes written, or -1 when a character is not in
 * the alphabet. Bytes of `output` past those written may be overwritten, up to `capacity`.
 */
ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity);

/* turns_base64_decode in steps of at most `step` characters (16, 32 or 64), so tests reach every path. */
ptrdiff_t turns_base64_decode_steps(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int step);

/*
 * Measures `count` characters of base64: up to two '=' of padding (then the length must be whole quads), and never a
 * lone character after the last quad. Sets `end` (where the characters stop, before the padding) and `produced` (the
 * bytes they stand for) and returns 1; returns 0 when the length or padding cannot be base64. The one place this
 * rule is written (Base64.swift calls it too).
 */
int turns_base64_measure(const uint8_t *text, size_t count, size_t *end, size_t *produced);

/*
 * Decodes the payloads of `count` event-stream messages found by turns_eventstream_scan (`frames`, lying back to back
 * from `bytes`, their checksums already compared) when each is `prefix`, base64, `suffix`: a Bedrock `chunk` is
 * {"bytes":"<base64>"}. The bytes of each go into `output` after the previous one's, and ends[i] says where message
 * i's end. One loop for a whole read, so the decodes of consecutive messages overlap in the CPU. Stops at the first
 * payload in another form, with base64 that does not decode, or without room (each needs its bytes plus 64 in
 * `capacity`): the caller reads that one its own way. Returns how many were decoded; 0 where the CPU has no vector
 * path (turns_base64_widest_step).
 */
size_t turns_base64_decode_payloads(const uint8_t *bytes, const turns_eventstream_frame *frames, size_t count,
                                    const uint8_t *prefix, size_t prefix_count, const uint8_t *suffix,
                                    size_t suffix_count, uint8_t *output, size_t capacity, size_t *ends);

#endif
