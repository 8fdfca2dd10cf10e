// libFuzzer harness: the dataset reader on an arbitrary file. DATA-xxx PixErrors are expected;
// anything else is a finding. A file that opens is read as the trainer and baseline do.
#include <algorithm>
#include <cstdint>

#include "core/error.hpp"
#include "datasets/dataset_file.hpp"
#include "fuzz/fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static pixforge::fuzz::InputFile file(".h5");
    const std::string& path = file.write(data, size);
    try {
        const pixforge::datasets::DatasetReader reader(path);
        pixforge::datasets::WindowBatch batch;
        for (const auto& split : pixforge::datasets::kSplits) {
            const std::size_t rows = reader.rows(split);
            reader.read(split, 0, std::min<std::size_t>(rows, 64), batch);
            if (rows > 1) reader.read(split, rows - 1, 1, batch);
        }
        (void)reader.test_lines_keV();
    } catch (const pixforge::PixError&) {
    }
    return 0;
}
