#ifndef TURNS_BYTE_KERNELS_H
#define TURNS_BYTE_KERNELS_H

/*
 * Kernels for the event-stream hot path: CRC-32 (carry-less-multiply folding, slicing-by-8 tables) and SSSE3 base64
 * decoding.
 *
 * Swift has no portable way to reach PCLMULQDQ or PSHUFB, so these few loops are C; the CRC's tables live beside its
 * fold so a short message costs one call. Each vector path is tested against its scalar path over generated input
 * (CRC32Tests, Base64Tests); the base64 kernel is only the vector part, its tail and checks stay in Base64.swift.
 */

#include <stddef.h>
#include <stdint.h>

/* Whether this CPU folds CRC-32 with carry-less multiplication (x86-64 with PCLMULQDQ, SSSE3 and SSE4.1). */
int turns_crc32_can_fold(void);

/*
 * The CRC-32 (IEEE, reflected; zlib's crc32) of `count` bytes, continuing from `crc` (the CRC of the bytes before
 * them; 0 to start). Runs of 32 bytes or more are folded and reduced with carry-less multiplication when `fold` is
 * nonzero and the CPU can; shorter runs go through slicing-by-8 tables.
 */
uint32_t turns_crc32(uint32_t crc, const uint8_t *bytes, size_t count, int fold);

/* Whether this CPU can run turns_base64_decode_blocks (x86-64 with SSSE3). */
int turns_base64_blocks_available(void);

/*
 * Decodes whole 16-character blocks of standard base64 text (no padding inside them) from the start of `text`,
 * 12 bytes each, while a block remains and `capacity` leaves room for a 16-byte store. Returns how many characters
 * were decoded (a multiple of 16; the output is 3/4 of that); sets *invalid to 1 when a block holds a character
 * outside the alphabet (then the output is meaningless).
 */
size_t turns_base64_decode_blocks(const uint8_t *text, size_t count, uint8_t *output, size_t capacity, int *invalid);

/*
 * Decodes standard base64 `text` (up to two '=' of padding, which may be left out; no white space) into `output`,
 * all of it through the vector blocks (a last short block through a padded copy). Returns the bytes written, or -1
 * when the text is not base64 or `capacity` is less than the bytes it stands for. Bytes of `output` past those
 * written may be overwritten, up to `capacity`. Only where turns_base64_blocks_available says so.
 */
ptrdiff_t turns_base64_decode(const uint8_t *text, size_t count, uint8_t *output, size_t capacity);

#endif
