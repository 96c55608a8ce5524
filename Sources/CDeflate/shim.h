// libdeflate, for its CRC-32 (the event stream's checksum).
#include <libdeflate.h>
