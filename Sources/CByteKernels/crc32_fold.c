#include "ByteKernels.h"

/*
 * Slicing-by-8: table k gives the CRC contribution of a byte followed by k zero bytes, so a step consumes eight bytes
 * with eight independent lookups. The tables are built once, before main, from the reflected IEEE polynomial.
 */
static uint32_t tables[8][256];

static int can_fold, widest_runs;

__attribute__((constructor))
static void build_crc32_tables(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        tables[0][byte] = crc;
    }
    for (int slice = 1; slice < 8; slice++) {
        for (int byte = 0; byte < 256; byte++) {
            uint32_t previous = tables[slice - 1][byte];
            tables[slice][byte] = (previous >> 8) ^ tables[0][previous & 0xFF];
        }
    }
    can_fold = turns_crc32_can_fold();
    widest_runs = turns_crc32_widest_runs();
}

static inline uint32_t load_le32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

/* The table CRC (no inversions) of `count` bytes from `state`. */
static inline uint32_t slice8(uint32_t state, const uint8_t *bytes, size_t count) {
    while (count >= 8) {
        uint32_t low = load_le32(bytes) ^ state;
        uint32_t high = load_le32(bytes + 4);
        state = tables[7][low & 0xFF] ^ tables[6][(low >> 8) & 0xFF] ^ tables[5][(low >> 16) & 0xFF]
              ^ tables[4][low >> 24] ^ tables[3][high & 0xFF] ^ tables[2][(high >> 8) & 0xFF]
              ^ tables[1][(high >> 16) & 0xFF] ^ tables[0][high >> 24];
        bytes += 8;
        count -= 8;
    }
    while (count > 0) {
        state = tables[0][(state ^ *bytes) & 0xFF] ^ (state >> 8);
        bytes++;
        count--;
    }
    return state;
}

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
#define FOLD_384_LOW  0x03db1ecdcULL  /* x^(3*128+32): the four lanes into one, each by its own distance */
#define FOLD_384_HIGH 0x174359406ULL  /* x^(3*128-32) */
#define FOLD_256_LOW  0x0f1da05aaULL  /* x^(2*128+32) */
#define FOLD_256_HIGH 0x15a546366ULL  /* x^(2*128-32) */

__attribute__((target("pclmul,sse2")))
static inline __m128i fold(__m128i lane, __m128i constants, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00);
    __m128i high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

/* The last two steps: x^64 mod P (shifted as above), then Barrett's reduction by P (33 bits, reflected) with
 * mu = floor(x^64 / P) (33 bits, reflected). */
#define REDUCE_64     0x163cd6124ULL
#define POLYNOMIAL    0x1db710641ULL
#define BARRETT_MU    0x1f7011641ULL

/* pshufb masks for byte shifts by a variable count: 16 bytes loaded at offset 16 - k shift a lane up by k bytes
 * (towards the end of the stream), at offset 16 + k down by k; 0x80 selects zero. */
static const uint8_t shifts[48] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
};

/*
 * The lane and the last `rest` bytes (0 to 15) are 16 + rest bytes: split them as the lane's first `rest` bytes (with
 * zeros before them, which change nothing from a zero state) and sixteen bytes made of the lane's remaining bytes
 * followed by the tail, read as the last 16 bytes of the input. Then fold the one onto the other. With `rest` 0 this
 * gives back the lane.
 */
__attribute__((target("pclmul,ssse3,sse4.1")))
static inline __m128i fold_partial(__m128i lane, const uint8_t *bytes, size_t count, size_t rest, __m128i by128) {
    const __m128i up = _mm_loadu_si128((const __m128i *)(shifts + rest));
    const __m128i down = _mm_loadu_si128((const __m128i *)(shifts + 16 + rest));
    __m128i head = _mm_shuffle_epi8(lane, up);
    __m128i last = _mm_loadu_si128((const __m128i *)(bytes + count - 16));
    __m128i tail = _mm_blendv_epi8(_mm_shuffle_epi8(lane, down), last, down);
    return fold(head, by128, tail);
}

/* 128 bits to 96, to 64, then Barrett's reduction to the 32-bit table state. */
__attribute__((target("pclmul,sse4.1")))
static inline uint32_t reduce(__m128i lane, __m128i by128) {
    const __m128i low32s = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x = _mm_xor_si128(_mm_srli_si128(lane, 8), _mm_clmulepi64_si128(lane, by128, 0x10));
    x = _mm_xor_si128(_mm_srli_si128(x, 4),
                      _mm_clmulepi64_si128(_mm_and_si128(x, low32s), _mm_set_epi64x(0, (long long)REDUCE_64), 0x00));
    const __m128i barrett = _mm_set_epi64x((long long)BARRETT_MU, (long long)POLYNOMIAL);
    __m128i t = _mm_and_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32s), barrett, 0x10), low32s);
    x = _mm_xor_si128(x, _mm_clmulepi64_si128(t, barrett, 0x00));
    return (uint32_t)_mm_extract_epi32(x, 1);
}

/*
 * The table state after `count` bytes (at least 32) from the table state `state`, all by carry-less multiplication:
 * whole 16-byte lanes are folded together, a last partial lane is folded in after shifting, and the 128 bits left
 * are reduced to 32 (Barrett). No table lookup, so a short message costs no chain of dependent loads.
 */
__attribute__((target("pclmul,ssse3,sse4.1")))
static uint32_t fold_run(uint32_t state, const uint8_t *bytes, size_t count) {
    const __m128i by128 = _mm_set_epi64x((long long)FOLD_128_HIGH, (long long)FOLD_128_LOW);
    size_t whole = count & ~(size_t)15;
    /* The running state is folded into the first four bytes, as the table would consume it. */
    __m128i first = _mm_xor_si128(_mm_loadu_si128((const __m128i *)bytes), _mm_cvtsi32_si128((int)state));
    __m128i lane;
    size_t offset;
    if (whole >= 64) {
        /* Four independent lanes keep the multiplier busy; they are folded into one at the end. */
        const __m128i by512 = _mm_set_epi64x((long long)FOLD_512_HIGH, (long long)FOLD_512_LOW);
        __m128i a = first;
        __m128i b = _mm_loadu_si128((const __m128i *)(bytes + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(bytes + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(bytes + 48));
        for (offset = 64; whole - offset >= 64; offset += 64) {
            a = fold(a, by512, _mm_loadu_si128((const __m128i *)(bytes + offset)));
            b = fold(b, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 16)));
            c = fold(c, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 32)));
            d = fold(d, by512, _mm_loadu_si128((const __m128i *)(bytes + offset + 48)));
        }
        /* Each lane is moved to the end at once (not lane by lane), so the multiplies run side by side. */
        const __m128i by384 = _mm_set_epi64x((long long)FOLD_384_HIGH, (long long)FOLD_384_LOW);
        const __m128i by256 = _mm_set_epi64x((long long)FOLD_256_HIGH, (long long)FOLD_256_LOW);
        lane = fold(a, by384, fold(b, by256, fold(c, by128, d)));
    } else {
        lane = first;
        offset = 16;
    }
    for (; offset < whole; offset += 16) {
        lane = fold(lane, by128, _mm_loadu_si128((const __m128i *)(bytes + offset)));
    }
    size_t rest = count - whole;
    if (rest > 0) lane = fold_partial(lane, bytes, count, rest, by128);
    return reduce(lane, by128);
}

/* Each of four runs' whole 16-byte blocks and the bytes after them, and the fewest and most whole blocks' bytes. */
static inline void measure_four(const size_t counts[4], size_t whole[4], size_t rest[4], size_t *shortest,
                                size_t *longest) {
    *shortest = SIZE_MAX;
    *longest = 0;
    for (int run = 0; run < 4; run++) {
        whole[run] = counts[run] & ~(size_t)15;
        rest[run] = counts[run] - whole[run];
        if (whole[run] < *shortest) *shortest = whole[run];
        if (whole[run] > *longest) *longest = whole[run];
    }
}

/*
 * Four runs at once, one per 128-bit lane of a 512-bit register. A short message's CRC is bound by the multiplier's
 * throughput, which here is one instruction per cycle whatever its width: four messages per instruction cost about a
 * third of one message per instruction (turns-bench eventstream). Each lane is folded sixteen bytes at a time as
 * fold_run's single lane is, the lanes of shorter runs held still by a mask once their whole blocks are done; the
 * partial block and the reduction are fold_partial and reduce, lane by lane.
 */
#define TARGET_FOUR __attribute__((target("pclmul,avx512f,avx512bw,vpclmulqdq")))

TARGET_FOUR static inline __m512i fold_lanes(__m512i lanes, __m512i constants, __m512i next) {
    return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(lanes, constants, 0x00),
                                     _mm512_clmulepi64_epi128(lanes, constants, 0x11), next, 0x96);
}

/* Sixteen bytes from each of four places, in lanes 0 to 3. */
TARGET_FOUR static inline __m512i load_lanes(const uint8_t *a, const uint8_t *b, const uint8_t *c, const uint8_t *d) {
    __m512i lanes = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)a));
    lanes = _mm512_inserti32x4(lanes, _mm_loadu_si128((const __m128i *)b), 1);
    lanes = _mm512_inserti32x4(lanes, _mm_loadu_si128((const __m128i *)c), 2);
    return _mm512_inserti32x4(lanes, _mm_loadu_si128((const __m128i *)d), 3);
}

/* The CRC-32 (from 0) of four runs of at least 16 bytes each. */
TARGET_FOUR static void fold_four(const uint8_t *const bytes[4], const size_t counts[4], uint32_t crcs[4]) {
    const __m512i by128 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)FOLD_128_HIGH, (long long)FOLD_128_LOW));
    size_t whole[4], rest[4], shortest, longest;
    measure_four(counts, whole, rest, &shortest, &longest);
    /* A CRC from 0 starts from the table state ~0, folded into each run's first four bytes. */
    __m512i lanes = _mm512_xor_si512(load_lanes(bytes[0], bytes[1], bytes[2], bytes[3]),
                                     _mm512_broadcast_i32x4(_mm_cvtsi32_si128(-1)));
    size_t offset = 16;
    for (; offset < shortest; offset += 16) {
        lanes = fold_lanes(lanes, by128, load_lanes(bytes[0] + offset, bytes[1] + offset, bytes[2] + offset,
                                                    bytes[3] + offset));
    }
    for (; offset < longest; offset += 16) {
        /* A run whose whole blocks are done reads its own first block (never past its end) and keeps its lane. */
        __mmask8 active = 0;
        const uint8_t *next[4];
        for (int run = 0; run < 4; run++) {
            int more = offset < whole[run];
            active |= (__mmask8)(more ? 3 << (2 * run) : 0);
            next[run] = bytes[run] + (more ? offset : 0);
        }
        lanes = _mm512_mask_mov_epi64(lanes, active, fold_lanes(lanes, by128, load_lanes(next[0], next[1], next[2], next[3])));
    }
    /* fold_partial and reduce, in every lane at once (the byte shuffles and shifts stay within lanes). */
    __m512i up = load_lanes(shifts + rest[0], shifts + rest[1], shifts + rest[2], shifts + rest[3]);
    __m512i down = load_lanes(shifts + 16 + rest[0], shifts + 16 + rest[1], shifts + 16 + rest[2], shifts + 16 + rest[3]);
    __m512i last = load_lanes(bytes[0] + counts[0] - 16, bytes[1] + counts[1] - 16, bytes[2] + counts[2] - 16,
                              bytes[3] + counts[3] - 16);
    __m512i tail = _mm512_mask_blend_epi8(_mm512_movepi8_mask(down), _mm512_shuffle_epi8(lanes, down), last);
    lanes = fold_lanes(_mm512_shuffle_epi8(lanes, up), by128, tail);
    const __m512i low32s = _mm512_broadcast_i32x4(_mm_setr_epi32(~0, 0, ~0, 0));
    __m512i x = _mm512_xor_si512(_mm512_bsrli_epi128(lanes, 8), _mm512_clmulepi64_epi128(lanes, by128, 0x10));
    const __m512i reduce64 = _mm512_broadcast_i32x4(_mm_set_epi64x(0, (long long)REDUCE_64));
    x = _mm512_xor_si512(_mm512_bsrli_epi128(x, 4), _mm512_clmulepi64_epi128(_mm512_and_si512(x, low32s), reduce64, 0x00));
    const __m512i barrett = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)BARRETT_MU, (long long)POLYNOMIAL));
    __m512i t = _mm512_and_si512(_mm512_clmulepi64_epi128(_mm512_and_si512(x, low32s), barrett, 0x10), low32s);
    x = _mm512_xor_si512(x, _mm512_clmulepi64_epi128(t, barrett, 0x00));
    /* Each lane's state is its second 32-bit word; the CRC is its complement. */
    __m512i states = _mm512_permutexvar_epi32(_mm512_setr_epi32(1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), x);
    _mm_storeu_si128((__m128i *)crcs, _mm_xor_si128(_mm512_castsi512_si128(states), _mm_set1_epi32(-1)));
}

/*
 * Four runs at once in two 256-bit registers, two runs to each, for CPUs with VPCLMULQDQ but not AVX-512 (AMD's Zen 3,
 * Intel's Alder Lake): the two registers are independent chains, so one's multiply runs while the other's waits, and
 * each instruction does two messages' work. The steps are fold_four's, with byte blends for its masks.
 */
#define TARGET_PAIRS __attribute__((target("pclmul,avx2,vpclmulqdq")))

TARGET_PAIRS static inline __m256i fold_pair(__m256i lanes, __m256i constants, __m256i next) {
    return _mm256_xor_si256(_mm256_xor_si256(_mm256_clmulepi64_epi128(lanes, constants, 0x00),
                                             _mm256_clmulepi64_epi128(lanes, constants, 0x11)), next);
}

/* Sixteen bytes from each of two places, in lanes 0 and 1. */
TARGET_PAIRS static inline __m256i load_pair(const uint8_t *a, const uint8_t *b) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)a)),
                                   _mm_loadu_si128((const __m128i *)b), 1);
}

/* All ones in the lanes whose run still has whole blocks at `offset`, so a blend keeps the others still. */
TARGET_PAIRS static inline __m256i active_pair(size_t offset, size_t whole_a, size_t whole_b) {
    long long a = offset < whole_a ? -1 : 0, b = offset < whole_b ? -1 : 0;
    return _mm256_setr_epi64x(a, a, b, b);
}

/* fold_partial and reduce in both lanes: the states of the two runs, as the table leaves them. */
TARGET_PAIRS static inline void finish_pair(__m256i lanes, const uint8_t *a, size_t count_a, size_t rest_a,
                                            const uint8_t *b, size_t count_b, size_t rest_b, __m256i by128,
                                            uint32_t states[2]) {
    __m256i up = load_pair(shifts + rest_a, shifts + rest_b);
    __m256i down = load_pair(shifts + 16 + rest_a, shifts + 16 + rest_b);
    __m256i last = load_pair(a + count_a - 16, b + count_b - 16);
    __m256i tail = _mm256_blendv_epi8(_mm256_shuffle_epi8(lanes, down), last, down);
    lanes = fold_pair(_mm256_shuffle_epi8(lanes, up), by128, tail);
    const __m256i low32s = _mm256_setr_epi32(~0, 0, ~0, 0, ~0, 0, ~0, 0);
    __m256i x = _mm256_xor_si256(_mm256_srli_si256(lanes, 8), _mm256_clmulepi64_epi128(lanes, by128, 0x10));
    const __m256i reduce64 = _mm256_broadcastsi128_si256(_mm_set_epi64x(0, (long long)REDUCE_64));
    x = _mm256_xor_si256(_mm256_srli_si256(x, 4), _mm256_clmulepi64_epi128(_mm256_and_si256(x, low32s), reduce64, 0x00));
    const __m256i barrett = _mm256_broadcastsi128_si256(_mm_set_epi64x((long long)BARRETT_MU, (long long)POLYNOMIAL));
    __m256i t = _mm256_and_si256(_mm256_clmulepi64_epi128(_mm256_and_si256(x, low32s), barrett, 0x10), low32s);
    x = _mm256_xor_si256(x, _mm256_clmulepi64_epi128(t, barrett, 0x00));
    states[0] = (uint32_t)_mm256_extract_epi32(x, 1);
    states[1] = (uint32_t)_mm256_extract_epi32(x, 5);
}

/* The CRC-32 (from 0) of four runs of at least 16 bytes each, runs 0 and 1 in one register, 2 and 3 in the other. */
TARGET_PAIRS static void fold_four_in_pairs(const uint8_t *const bytes[4], const size_t counts[4], uint32_t crcs[4]) {
    const __m256i by128 = _mm256_broadcastsi128_si256(_mm_set_epi64x((long long)FOLD_128_HIGH, (long long)FOLD_128_LOW));
    size_t whole[4], rest[4], shortest, longest;
    measure_four(counts, whole, rest, &shortest, &longest);
    const __m256i start = _mm256_broadcastsi128_si256(_mm_cvtsi32_si128(-1));
    __m256i first = _mm256_xor_si256(load_pair(bytes[0], bytes[1]), start);
    __m256i second = _mm256_xor_si256(load_pair(bytes[2], bytes[3]), start);
    size_t offset = 16;
    for (; offset < shortest; offset += 16) {
        first = fold_pair(first, by128, load_pair(bytes[0] + offset, bytes[1] + offset));
        second = fold_pair(second, by128, load_pair(bytes[2] + offset, bytes[3] + offset));
    }
    for (; offset < longest; offset += 16) {
        /* A run whose whole blocks are done reads its own first block (never past its end) and keeps its lane. */
        const uint8_t *next[4];
        for (int run = 0; run < 4; run++) next[run] = bytes[run] + (offset < whole[run] ? offset : 0);
        first = _mm256_blendv_epi8(first, fold_pair(first, by128, load_pair(next[0], next[1])),
                                   active_pair(offset, whole[0], whole[1]));
        second = _mm256_blendv_epi8(second, fold_pair(second, by128, load_pair(next[2], next[3])),
                                    active_pair(offset, whole[2], whole[3]));
    }
    uint32_t states[4];
    finish_pair(first, bytes[0], counts[0], rest[0], bytes[1], counts[1], rest[1], by128, states);
    finish_pair(second, bytes[2], counts[2], rest[2], bytes[3], counts[3], rest[3], by128, states + 2);
    for (int run = 0; run < 4; run++) crcs[run] = ~states[run];
}

int turns_crc32_widest_runs(void) {
    __builtin_cpu_init();
    if (!turns_crc32_can_fold()) return 1;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("vpclmulqdq"))
        return 4;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("vpclmulqdq")) return 2;
    return 1;
}

int turns_crc32_can_fold(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
}

#else

int turns_crc32_can_fold(void) { return 0; }

int turns_crc32_widest_runs(void) { return 1; }

/* Never called here (turns_crc32_widest_runs is 1); the table stands in so turns_crc32_runs reads the same. */
static void fold_four(const uint8_t *const bytes[4], const size_t counts[4], uint32_t crcs[4]) {
    for (int run = 0; run < 4; run++) crcs[run] = ~slice8(~0u, bytes[run], counts[run]);
}

static void fold_four_in_pairs(const uint8_t *const bytes[4], const size_t counts[4], uint32_t crcs[4]) {
    fold_four(bytes, counts, crcs);
}

static uint32_t fold_run(uint32_t state, const uint8_t *bytes, size_t count) {
    return slice8(state, bytes, count);
}

#endif

uint32_t turns_crc32(uint32_t crc, const uint8_t *bytes, size_t count, int fold) {
    uint32_t state = ~crc;
    if (fold && can_fold && count >= 32) return ~fold_run(state, bytes, count);
    return ~slice8(state, bytes, count);
}

void turns_crc32_runs(const uint8_t *const starts[], const size_t counts[], uint32_t crcs[], size_t n, int lanes) {
    size_t run = 0;
    int width = lanes < widest_runs ? lanes : widest_runs;
    if (width >= 2) {
        for (; n - run >= 4; run += 4) {
            if (counts[run] < 16 || counts[run + 1] < 16 || counts[run + 2] < 16 || counts[run + 3] < 16) break;
            if (width == 4) fold_four(starts + run, counts + run, crcs + run);
            else fold_four_in_pairs(starts + run, counts + run, crcs + run);
        }
    }
    for (; run < n; run++) crcs[run] = turns_crc32(0, starts[run], counts[run], 1);
}
