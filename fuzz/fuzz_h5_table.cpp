// libFuzzer harness: the generic HDF5 layer (core/h5) that every reader builds on: open, look
// up arrays and attributes by the names pixforge files use, read rows as integers and reals.
// DATA-xxx PixErrors are expected; anything else is a finding.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/h5.hpp"
#include "fuzz/fuzz_input_file.hpp"

namespace h5 = pixforge::h5;

namespace {

template <typename T>
void read_some(hid_t parent, const char* name) {
    try {
        const auto dims = h5::shape(parent, name);
        std::vector<T> out;
        const std::size_t rows = dims.empty() ? 1 : static_cast<std::size_t>(std::min<hsize_t>(dims[0], 16));
        h5::read_rows(parent, name, 0, rows, out);
        h5::read_vector(parent, name, out, 1024);
    } catch (const pixforge::PixError&) {
    }
}

void read_attributes(hid_t obj) {
    for (const char* name : {"schema", "schema_version", "unit", "count", "scale"}) {
        try {
            (void)h5::read_string_attribute(obj, name);
        } catch (const pixforge::PixError&) {
        }
        try {
            (void)h5::read_int_attribute(obj, name);
        } catch (const pixforge::PixError&) {
        }
        try {
            (void)h5::read_double_attribute(obj, name);
        } catch (const pixforge::PixError&) {
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static pixforge::fuzz::InputFile file(".h5");
    const std::string& path = file.write(data, size);
    try {
        h5::Handle f = h5::open_file_readonly(path);
        read_attributes(f.id());
        for (const char* name : {"table", "values", "group/table"}) {
            read_some<double>(f.id(), name);
            read_some<std::int32_t>(f.id(), name);
            read_some<std::uint8_t>(f.id(), name);
        }
        h5::Handle g = h5::open_group(f.id(), "group");
        if (g.valid()) read_attributes(g.id());
    } catch (const pixforge::PixError&) {
    }
    return 0;
}
