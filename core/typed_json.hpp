// Typed reads of the JSON files pixforge writes and reads back (a study's journal and codesign.json,
// a chain summary): each key is checked for the type pixforge writes, and anything else is refused
// with one message ID that names the file (and line), the key, what was found and what was
// expected. Resume, the study report and the chain runner share it.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace pixforge {

// The JSON document in `path`: null when the file is absent or unreadable, discarded when it does
// not parse (the typed reads below then refuse it by name).
inline nlohmann::json read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
}

struct TypedJson {
    static constexpr std::size_t kAnySize = std::numeric_limits<std::size_t>::max();

    const char* id;      // the message ID of a refusal
    std::string where;   // "FILE" or "FILE line N"
    std::string remedy;  // what the user can do, e.g. "start a new study"

    using json = nlohmann::json;

    // An empty key refuses the whole object.
    [[noreturn]] void refuse(const std::string& key, const std::string& expected, const json& found) const {
        throw PixError(
            id, fmt::format("{}: {}{} where pixforge writes {}; the file is damaged or not "
                            "pixforge's: {}",
                            where, key.empty() ? "" : "'" + key + "' is ",
                            found.is_null() ? std::string("missing") : found.dump(), expected, remedy));
    }
    static json at(const json& object, const char* key) { return object.value(key, json()); }
    std::int64_t integer(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!v.is_number_integer()) refuse(key, "an integer", v);
        return v.get<std::int64_t>();
    }
    double number(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!v.is_number()) refuse(key, "a number", v);
        return v.get<double>();
    }
    bool boolean(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!v.is_boolean()) refuse(key, "true or false", v);
        return v.get<bool>();
    }
    std::string text(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!v.is_string()) refuse(key, "text", v);
        return v.get<std::string>();
    }
    // A key pixforge may leave out, of the type it writes when present.
    void optional_text(const json& object, const char* key) const {
        if (object.contains(key) && !object[key].is_string()) refuse(key, "text", object[key]);
    }
    // A figure that may be "not fitted": null in JSON, NaN here.
    double figure(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!object.contains(key) || (!v.is_number() && !v.is_null())) refuse(key, "a number or null", v);
        return v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
    }
    // A whole number >= 0; written as 3.0 by earlier versions, which is accepted.
    std::uint64_t count(const json& object, const char* key) const {
        const json v = at(object, key);
        if (v.is_number_unsigned()) return v.get<std::uint64_t>();
        const double x = v.is_number() ? v.get<double>() : -1;
        if (!(x >= 0 && x < 9.2e18 && x == std::floor(x))) refuse(key, "a count (a whole number >= 0)", v);
        return static_cast<std::uint64_t>(x);
    }
    // null stands for a figure that was not fitted (NaN).
    std::vector<double> numbers(const json& object, const char* key, std::size_t size = kAnySize) const {
        const json v = at(object, key);
        if (!v.is_array()) refuse(key, "an array of numbers", v);
        std::vector<double> out;
        for (const json& x : v) {
            if (!x.is_number() && !x.is_null()) refuse(key, "an array of numbers", v);
            out.push_back(x.is_number() ? x.get<double>() : std::numeric_limits<double>::quiet_NaN());
        }
        if (size != kAnySize && out.size() != size) refuse(key, fmt::format("{} values", size), v);
        return out;
    }
    std::vector<std::string> texts(const json& object, const char* key) const {
        const json v = at(object, key);
        if (!v.is_array()) refuse(key, "an array of names", v);
        std::vector<std::string> out;
        for (const json& x : v) {
            if (!x.is_string()) refuse(key, "an array of names", v);
            out.push_back(x.get<std::string>());
        }
        return out;
    }
};

}  // namespace pixforge
