// The one comparison of a Verilated candidate against the bit-exact integer reference of its
// network, used by `pixforge rtl --bench`, validate and every trial: the windows stream through a
// freshly reset candidate, and every output word is compared.
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/network/quantized_network.hpp"
#include "rtl_gen/verilated_library.hpp"

namespace pixforge::rtl {

struct ReferenceCheck {
    std::size_t windows = 0;
    std::size_t differing_words = 0;  // output words where RTL and reference differ
    std::uint64_t cycles = 0;         // clock cycles the candidate ran
    double rtl_seconds = 0;           // wall time of the RTL simulation alone
    bool equal() const { return differing_words == 0; }
};

// `count` windows of `window` samples each (the candidate reads the first samples() of each).
ReferenceCheck check_against_reference(VerilatedNetwork& candidate, const models::QuantizedNetwork& network,
                                       const std::uint16_t* windows, std::size_t count, int window);

}  // namespace pixforge::rtl
