#include "core/folder_bytes.hpp"

#include <stdexcept>

#include "core/atomic_file.hpp"

namespace pixforge {

namespace fs = std::filesystem;
using nlohmann::json;

json folder_to_json(const fs::path& dir) {
    json files = json::object();
    if (!fs::is_directory(dir)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        const std::string bytes = read_whole_file(entry.path()).value_or("");
        files[fs::relative(entry.path(), dir).generic_string()] =
            json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    }
    return files;
}

void json_to_folder(const json& files, const fs::path& dir, const std::string& last) {
    auto write = [&dir](const std::string& name, const json& bytes) {
        const fs::path relative = fs::path(name).lexically_normal();
        if (relative.is_absolute() || (!relative.empty() && *relative.begin() == ".."))
            throw std::runtime_error("json_to_folder: '" + name + "' leaves its folder");
        const fs::path target = dir / relative;
        fs::create_directories(target.parent_path());
        const auto& b = bytes.get_binary();
        write_file_atomically(target, std::string(b.begin(), b.end()));
    };
    for (const auto& [name, bytes] : files.items())
        if (name != last) write(name, bytes);
    if (!last.empty() && files.contains(last)) write(last, files[last]);
}

}  // namespace pixforge
