#include "ByteKernels.h"

static inline uint32_t load_be32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | (uint32_t)bytes[3];
}

/* The message CRCs of frames[first ..< first + group] (at most four), whose messages lie back to back from `message`. */
static void checksum_frames(const uint8_t *message, turns_eventstream_frame *frames, size_t first, size_t group) {
    const uint8_t *starts[4];
    size_t counts[4];
    uint32_t crcs[4];
    for (size_t index = 0; index < group; index++) {
        starts[index] = message;
        counts[index] = frames[first + index].total - 4;
        message += frames[first + index].total;
    }
    turns_crc32_runs(starts, counts, crcs, group, 4);
    for (size_t index = 0; index < group; index++) frames[first + index].message_crc = crcs[index];
}

size_t turns_eventstream_scan(const uint8_t *bytes, size_t count, const uint8_t *last_headers, size_t last_headers_count,
                              turns_eventstream_frame *frames, size_t capacity) {
    size_t found = 0, offset = 0, checked = 0, checked_offset = 0;
    const uint8_t *previous = last_headers;
    size_t previous_count = last_headers_count;
    while (found < capacity && count - offset >= 12) {
        const uint8_t *message = bytes + offset;
        uint32_t total = load_be32(message), headers = load_be32(message + 4);
        if (turns_crc32(0, message, 8, 1) != load_be32(message + 8)) break;
        if (total < 16 || headers > total - 16 || total > count - offset) break;
        frames[found].total = total;
        frames[found].headers = headers;
        frames[found].repeats_headers = previous != NULL && previous_count == headers
            && turns_equal_bytes(previous, message + 12, headers);
        previous = message + 12;
        previous_count = headers;
        found++;
        offset += total;
        /* Each message's CRC depends only on its own bytes: every four messages found share each multiply
         * (turns_crc32_runs), while the loads of the next ones are under way. */
        if (found - checked == 4) {
            checksum_frames(bytes + checked_offset, frames, checked, 4);
            checked = found;
            checked_offset = offset;
        }
    }
    if (found > checked) checksum_frames(bytes + checked_offset, frames, checked, found - checked);
    return found;
}
