// zlib, for its CRC-32 (the event stream's checksum).
#include <zlib.h>
