#include "rtl_gen/synthesis/dont_use.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

namespace {

// SKY130 hd cells kept out of generic logic (docs/synthesis.md, "Cells synthesis does not use").
const std::vector<std::string> kSky130hd = {
    "sky130_fd_sc_hd__lpflow_*",  // power-management cells: need their own supplies and intent
    "sky130_fd_sc_hd__probe*",    // probe points, not logic
    "sky130_fd_sc_hd__macro_sparecell",
    "sky130_fd_sc_hd__clkbuf_*",  // clock-tree cells: for the clock network (CTS) only
    "sky130_fd_sc_hd__clkinv_*",
    "sky130_fd_sc_hd__clkinvlp_*",
    "sky130_fd_sc_hd__clkdlybuf4s*",
    "sky130_fd_sc_hd__dlclkp_*",  // integrated clock gates: instantiated by the generator only
    "sky130_fd_sc_hd__sdlclkp_*",
    "sky130_fd_sc_hd__dlygate4sd*",  // delay cells: for hold fixing after placement
    "sky130_fd_sc_hd__dlymetal6s*",
    "sky130_fd_sc_hd__sdf*",  // scan flip-flops: this flow inserts no scan chain
    "sky130_fd_sc_hd__sedf*",
    "sky130_fd_sc_hd__einv*",  // tri-state drivers: no internal buses
    "sky130_fd_sc_hd__ebufn_*",
};

bool is_sky130hd(const Liberty& lib) {
    return lib.name.rfind("sky130_fd_sc_hd__", 0) == 0;
}

// Skips a quoted string or a comment at text[i]; returns the index after it, or i if neither.
std::size_t skip_literal(const std::string& text, std::size_t i) {
    if (text[i] == '"') {
        for (std::size_t j = i + 1; j < text.size(); ++j) {
            if (text[j] == '\\')
                ++j;
            else if (text[j] == '"')
                return j + 1;
        }
        return text.size();
    }
    if (text.compare(i, 2, "/*") == 0) {
        const std::size_t end = text.find("*/", i + 2);
        return end == std::string::npos ? text.size() : end + 2;
    }
    return i;
}

// The name in `cell ( "name" )` or `cell(name)` starting at text[i] (just after "cell"), or "".
std::string cell_name_at(const std::string& text, std::size_t i) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size() || text[i] != '(') return "";
    const std::size_t close = text.find(')', i);
    if (close == std::string::npos) return "";
    std::string name = text.substr(i + 1, close - i - 1);
    name.erase(std::remove_if(name.begin(), name.end(),
                              [](char c) { return c == '"' || std::isspace(static_cast<unsigned char>(c)); }),
               name.end());
    return name;
}

}  // namespace

std::vector<std::string> dont_use_patterns(const std::string& setting, const Liberty& lib) {
    if (setting == "auto") return is_sky130hd(lib) ? kSky130hd : std::vector<std::string>{};
    if (setting == "none") return {};
    std::vector<std::string> out;
    std::stringstream in(setting);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty())
            throw PixError("PPA-009",
                           fmt::format("synthesis.dont_use = \"{}\": an empty cell pattern; expected "
                                       "\"auto\", \"none\" or comma-separated cell names with * and ?",
                                       setting));
        out.push_back(item);
    }
    return out;
}

std::vector<std::string> dont_use_cells(const Liberty& lib, const std::vector<std::string>& patterns) {
    std::vector<std::string> out;
    for (const auto& [name, cell] : lib.cells)
        for (const auto& p : patterns)
            if (fnmatch(p.c_str(), name.c_str(), 0) == 0) {
                out.push_back(name);
                break;
            }
    return out;  // std::map order: sorted
}

std::string liberty_without_cells(const std::string& text, const std::vector<std::string>& cells) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0, i = 0;
    int depth = 0;
    while (i < text.size()) {
        if (const std::size_t after = skip_literal(text, i); after != i) {
            i = after;
            continue;
        }
        const char c = text[i];
        if (c == '{') ++depth;
        if (c == '}') --depth;
        // A cell group sits at depth 1, inside library ( ... ) { }.
        const bool word_start =
            i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        if (depth == 1 && word_start && text.compare(i, 4, "cell") == 0 && i + 4 < text.size() &&
            !(std::isalnum(static_cast<unsigned char>(text[i + 4])) || text[i + 4] == '_')) {
            const std::string name = cell_name_at(text, i + 4);
            if (!name.empty() && std::binary_search(cells.begin(), cells.end(), name)) {
                std::size_t j = text.find('{', i);
                int inner = 0;
                for (; j < text.size(); ++j) {
                    if (const std::size_t after = skip_literal(text, j); after != j) {
                        j = after - 1;
                        continue;
                    }
                    if (text[j] == '{') ++inner;
                    if (text[j] == '}' && --inner == 0) break;
                }
                if (j >= text.size())
                    throw PixError("PPA-009",
                                   fmt::format("the liberty ends inside the group of cell {} (expected its "
                                               "closing brace)",
                                               name));
                out.append(text, copied, i - copied);
                out += "/* " + name + ": dont_use (pixforge) */";
                i = copied = j + 1;
                continue;
            }
        }
        ++i;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

fs::path synthesis_liberty(const Liberty& lib, const fs::path& plain,
                           const std::vector<std::string>& excluded, const fs::path& cache_dir) {
    if (excluded.empty()) return plain;
    ContentHash h;
    h.add(lib.hash);
    for (const auto& c : excluded) h.add(c);
    const fs::path trimmed = cache_dir / "liberty" / (h.hex() + "-dont-use-" + plain.filename().string());
    ensure_cached_file(trimmed, [&](const fs::path& temp) {
        std::ifstream in(plain, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        std::ofstream out(temp, std::ios::binary);
        out << liberty_without_cells(text.str(), excluded);
        if (!in || !out)
            throw PixError("LIB-001", fmt::format("cannot write the synthesis liberty {}", temp.string()));
    });
    return trimmed;
}

}  // namespace pixforge::rtl
