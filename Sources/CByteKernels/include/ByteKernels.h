#ifndef TURNS_BYTE_KERNELS_H
#define TURNS_BYTE_KERNELS_H

/*
 * Vector kernels for the event-stream hot path: carry-less-multiply CRC-32 folding and SSSE3 base64 decoding.
 *
 * Swift has no portable way to reach PCLMULQDQ or PSHUFB, so these few loops are C. Each is only the vector part:
 * the Swift callers (CRC32.swift, Base64.swift) own the tables, the tails, the checks, and a scalar path for CPUs
 * without these instructions. Each kernel is tested against that scalar path over generated input.
 */

#include <stddef.h>
#include <stdint.h>

/* Whether this CPU can run turns_crc32_fold (x86-64 with PCLMULQDQ). */
int turns_crc32_fold_available(void);

/*
 * Folds `count` bytes (a multiple of 16, at least 32) of a CRC-32 (IEEE, reflected) computation whose running
 * state is `state` (the inverted CRC so far) into 16 bytes written to `folded`: running the byte-wise table CRC from
 * state 0 over `folded` gives the same state as running it from `state` over the `count` bytes.
 */
void turns_crc32_fold(const uint8_t *bytes, size_t count, uint32_t state, uint8_t folded[16]);

/* Whether this CPU can run turns_base64_decode_blocks (x86-64 with SSSE3). */
int turns_base64_blocks_available(void);

/*
 * Decodes whole 16-character blocks of standard base64 text (no padding inside them) from the start of `text`,
 * 12 bytes each, while a block remains and `capacity` leaves room for a 16-byte store. Returns how many characters
 * were decoded (a multiple of 16; the output is 3/4 of that); sets *invalid to 1 when a block holds a character
 * outside the alphabet (then the output is meaningless).
 */
size_t turns_base64_decode_blocks(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int *invalid);

#endif
