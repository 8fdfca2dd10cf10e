#include "rtl_gen/reference_check.hpp"

#include <chrono>
#include <vector>

#include "models/network/integer_reference.hpp"

namespace pixforge::rtl {

ReferenceCheck check_against_reference(VerilatedNetwork& candidate, const models::QuantizedNetwork& network,
                                       const std::uint16_t* windows, std::size_t count, int window) {
    ReferenceCheck check;
    check.windows = count;
    candidate.reset();
    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::int64_t> outputs = candidate.run_batch(windows, count, window, &check.cycles);
    check.rtl_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const models::IntegerReference reference(network);
    std::vector<std::int64_t> expected;
    for (std::size_t i = 0; i < count; ++i) {
        reference.run(windows + i * static_cast<std::size_t>(window), expected);
        for (std::size_t k = 0; k < expected.size(); ++k)
            check.differing_words += expected[k] != outputs[i * expected.size() + k];
    }
    return check;
}

}  // namespace pixforge::rtl
