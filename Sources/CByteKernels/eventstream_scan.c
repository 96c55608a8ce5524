#include "ByteKernels.h"

static inline uint32_t load_be32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | (uint32_t)bytes[3];
}

size_t turns_eventstream_scan(const uint8_t *bytes, size_t count, const uint8_t *last_headers, size_t last_headers_count,
                              turns_eventstream_frame *frames, size_t capacity) {
    size_t found = 0, offset = 0;
    const uint8_t *previous = last_headers;
    size_t previous_count = last_headers_count;
    /* Each message's CRC depends only on its own bytes, and where the next message starts only on this one's length
     * field: back to back, the CPU runs the multiply chains of several messages side by side. */
    while (found < capacity && count - offset >= 12) {
        const uint8_t *message = bytes + offset;
        uint32_t total = load_be32(message), headers = load_be32(message + 4);
        if (turns_crc32(0, message, 8, 1) != load_be32(message + 8)) break;
        if (total < 16 || headers > total - 16 || total > count - offset) break;
        frames[found].total = total;
        frames[found].headers = headers;
        frames[found].message_crc = turns_crc32(0, message, total - 4, 1);
        frames[found].repeats_headers = previous != NULL && previous_count == headers
            && turns_equal_bytes(previous, message + 12, headers);
        previous = message + 12;
        previous_count = headers;
        found++;
        offset += total;
    }
    return found;
}
