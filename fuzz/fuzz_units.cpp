// libFuzzer harness: the units parser. Input byte 0 picks the expected dimension, the rest is
// the text. Bad text must give std::invalid_argument (the documented contract: the config layer
// wraps it as CFG-005 with file and key); a parsed value must format and parse back.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/units.hpp"

using pixforge::units::Dimension;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    constexpr int kDimensions = static_cast<int>(Dimension::Temperature) + 1;
    const auto expected = static_cast<Dimension>(data[0] % kDimensions);
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    pixforge::units::Quantity q;
    try {
        q = pixforge::units::parse(text, expected);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    if (!std::isfinite(q.si)) return 0;
    // format() promises a form parse() reads back (9 significant digits).
    const auto back = pixforge::units::parse(pixforge::units::format(q.si, q.dimension), q.dimension);
    if (back.dimension != q.dimension) __builtin_trap();
    if (std::abs(back.si - q.si) > 1e-8 * std::abs(q.si) + 1e-300) __builtin_trap();
    return 0;
}
