#include "rtl_gen/work_folder.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

fs::path make_private_folder(const fs::path& parent, const std::string& stem) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    const std::string pattern = (parent / fmt::format(".{}.tmp-XXXXXX", stem)).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (!::mkdtemp(name.data()))
        throw PixError("PIX-002",
                       fmt::format("cannot create a work folder in {}: {} (expected a writable folder)",
                                   parent.string(), std::strerror(errno)));
    return fs::path(name.data());
}

bool publish_folder(const fs::path& temp, const fs::path& final_path) {
    std::error_code ec;
    fs::rename(temp, final_path, ec);
    if (!ec) return true;
    std::error_code ignored;
    if (fs::exists(final_path, ignored)) {  // another worker won: its copy is as good as ours
        fs::remove_all(temp, ignored);
        return false;
    }
    throw PixError("PIX-002", fmt::format("cannot move the work folder {} to {}: {}", temp.string(),
                                          final_path.string(), ec.message()));
}

}  // namespace pixforge::rtl
