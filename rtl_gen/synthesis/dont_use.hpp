// Cells that synthesis must not use in generic logic, and the liberty copy Yosys maps with.
// Yosys 0.23's dfflibmap and abc have no -dont_use option, so the flow hands them a copy of the
// library without those cells (as OpenLane's trimmed.lib); OpenSTA and the power model keep the
// whole library, since cells the generator instantiates itself (clock gates) must still be timed.
// docs/synthesis.md lists the SKY130 cells and why each is excluded.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rtl_gen/synthesis/liberty.hpp"

namespace pixforge::rtl {

// The patterns (`*` and `?` wildcards, whole cell names) of `setting`: "auto" gives the library's
// known list (SKY130 hd; none for others), "none" nothing, anything else is a comma-separated
// list of patterns. PPA-009 for an empty pattern.
std::vector<std::string> dont_use_patterns(const std::string& setting, const Liberty& lib);

// The cells of `lib` that match a pattern, sorted.
std::vector<std::string> dont_use_cells(const Liberty& lib, const std::vector<std::string>& patterns);

// `liberty_text` without the cell groups named in `cells` (comments, strings and every other group
// unchanged). PPA-009 when the text ends inside a group.
std::string liberty_without_cells(const std::string& liberty_text, const std::vector<std::string>& cells);

// The plain liberty for Yosys: `plain` itself when no cell is excluded, else a copy without the
// excluded cells in `cache_dir`/liberty, named by the library's hash and the excluded cells.
std::filesystem::path synthesis_liberty(const Liberty& lib, const std::filesystem::path& plain,
                                        const std::vector<std::string>& excluded,
                                        const std::filesystem::path& cache_dir);

}  // namespace pixforge::rtl
