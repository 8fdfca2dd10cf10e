// libFuzzer harness: the network reader on an arbitrary file. DATA-xxx / NET-xxx PixErrors are
// expected; anything else is a finding. A network that loads is run once on a window, as the
// bit-exact check does, so an unchecked geometry shows up as a sanitizer report.
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "fuzz/fuzz_input_file.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/quantized_network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static pixforge::fuzz::InputFile file(".h5");
    const std::string& path = file.write(data, size);
    try {
        const pixforge::models::QuantizedNetwork net = pixforge::models::load_network(path);
        const std::vector<std::uint16_t> window(static_cast<std::size_t>(net.input.first + net.input.length),
                                                7);
        std::vector<std::int64_t> out;
        pixforge::models::IntegerReference(net).run(window.data(), out);
    } catch (const pixforge::PixError&) {
    }
    return 0;
}
