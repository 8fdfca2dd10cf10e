// Reads an FST waveform file back (GTKWave's reader, shipped with Verilator) for tests: each
// variable's name, and every value change with its time. Include in one test file only: it compiles
// the reader's C sources into that file, as Verilator's own verilated_fst_c.cpp does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#define FST_CONFIG_INCLUDE "fst_config.h"
#include "gtkwave/fastlz.c"
#include "gtkwave/fstapi.c"
#include "gtkwave/lz4.c"

namespace pixforge::test {

struct FstContents {
    bool opened = false;
    std::map<std::string, std::uint32_t> handles;  // variable name (no range, no scope) -> handle
    struct Change {
        std::uint64_t time;
        std::uint32_t handle;
        std::string value;  // binary digits, as FST stores them
    };
    std::vector<Change> changes;
};

inline FstContents read_fst(const std::string& path) {
    FstContents c;
    void* reader = fstReaderOpen(path.c_str());
    if (!reader) return c;
    c.opened = true;
    while (fstHier* h = fstReaderIterateHier(reader))
        if (h->htyp == FST_HT_VAR) {  // a vector's name carries its range: "s_code [9:0]"
            const std::string name = h->u.var.name;
            c.handles[name.substr(0, name.find(' '))] = h->u.var.handle;
        }
    fstReaderSetFacProcessMaskAll(reader);
    fstReaderIterBlocks(
        reader,
        [](void* user, std::uint64_t time, fstHandle handle, const unsigned char* value) {
            static_cast<FstContents*>(user)->changes.push_back(
                {time, handle, reinterpret_cast<const char*>(value)});
        },
        &c, nullptr);
    fstReaderClose(reader);
    return c;
}

}  // namespace pixforge::test
