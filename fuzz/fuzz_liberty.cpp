// libFuzzer harness: the liberty reader (plain text; a gzip input exercises the .gz path too).
// LIB-xxx PixErrors are expected; anything else is a finding. A library that loads has its
// power tables looked up, as the power model does.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz/fuzz_input_file.hpp"
#include "rtl_gen/synthesis/liberty.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static pixforge::fuzz::InputFile plain(".lib");
    static pixforge::fuzz::InputFile gz(".lib.gz");
    const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const std::string& path = (gzip ? gz : plain).write(data, size);
    try {
        const pixforge::rtl::Liberty lib = pixforge::rtl::read_liberty(path);
        double sum = 0;
        for (const auto& [name, cell] : lib.cells)
            for (const auto& pin : cell.pins)
                for (const auto& power : pin.internal_power) sum += power.energy(0.01, 0.1);
        (void)sum;
    } catch (const pixforge::PixError&) {
    }
    return 0;
}
