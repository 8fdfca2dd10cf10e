// A stable 64-bit content hash (FNV-1a) for cache keys: the same bytes give the same key on every
// machine and every run. Not cryptographic; collisions only cost a wrong cache hit, which the
// content-addressed caches make vanishingly unlikely at the sizes involved.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace pixforge {

class ContentHash {
  public:
    // A field: its bytes, then a separator.
    ContentHash& add(std::string_view bytes) { return add_bytes(bytes).add_separator(); }
    // Raw bytes, continuing the stream (no separator).
    ContentHash& add_bytes(std::string_view bytes) {
        for (unsigned char c : bytes) h_ = (h_ ^ c) * 1099511628211ULL;
        return *this;
    }
    ContentHash& add(std::int64_t v) {
        for (int b = 0; b < 8; ++b) h_ = (h_ ^ static_cast<std::uint8_t>(v >> (8 * b))) * 1099511628211ULL;
        return *this;
    }
    ContentHash& add(double v) {
        std::int64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        return add(bits);
    }
    std::string hex() const { return fmt::format("{:016x}", h_); }

  private:
    ContentHash& add_separator() {  // so ("ab", "c") and ("a", "bc") differ
        h_ = (h_ ^ 0xffu) * 1099511628211ULL;
        return *this;
    }
    std::uint64_t h_ = 1469598103934665603ULL;
};

}  // namespace pixforge
