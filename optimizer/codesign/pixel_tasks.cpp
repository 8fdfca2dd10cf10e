#include "optimizer/codesign/pixel_tasks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::codesign {

const std::vector<std::string>& pixel_task_names() {
    static const std::vector<std::string> names{"energy", "toa", "pileup"};
    return names;
}

namespace {

bool is_task(const std::string& head) {
    const auto& names = pixel_task_names();
    return std::find(names.begin(), names.end(), head) != names.end();
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    for (std::size_t end; (end = text.find(separator, at)) != std::string::npos; at = end + 1)
        parts.push_back(text.substr(at, end - at));
    parts.push_back(text.substr(at));
    return parts;
}

}  // namespace

std::vector<std::vector<std::string>> split_tasks(const std::string& value, const std::string& where) {
    if (value == "shared") return {{}};
    std::vector<std::vector<std::string>> networks;
    std::vector<std::string> seen;
    for (const std::string& group : split(value, '|')) {
        networks.push_back(split(group, '+'));
        for (const std::string& head : networks.back()) {
            if (!is_task(head) || std::find(seen.begin(), seen.end(), head) != seen.end())
                throw PixError(
                    "OPT-009",
                    fmt::format("{}: tasks value \"{}\": '{}' is {}; expected \"shared\" or networks "
                                "separated by | of heads joined by + (energy, toa, pileup), each "
                                "head once, e.g. \"energy+pileup|toa\"",
                                where, value, head, is_task(head) ? "named twice" : "not a head"));
            seen.push_back(head);
        }
    }
    return networks;
}

TaskParameter task_parameter(const std::string& space_name) {
    const auto at = space_name.find('@');
    if (at == std::string::npos) return {space_name, ""};
    TaskParameter p{space_name.substr(0, at), space_name.substr(at + 1)};
    if (!is_task(p.head))
        throw PixError("OPT-009",
                       fmt::format("[space.\"{}\"]: '{}' is not a head; NAME@HEAD sets NAME for the "
                                   "network computing HEAD (energy, toa, pileup)",
                                   space_name, p.head));
    return p;
}

std::vector<std::string> head_overrides(const std::vector<std::string>& heads) {
    std::vector<std::string> out;
    for (const std::string& h : pixel_task_names())
        out.push_back(
            fmt::format("network.head_{}={}", h,
                        std::find(heads.begin(), heads.end(), h) != heads.end() ? "true" : "false"));
    return out;
}

}  // namespace pixforge::codesign
