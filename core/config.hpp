// A validated run configuration: one TOML file, optional --set overrides, every key checked
// against ConfigSchema, every default filled in. Errors name the file, the key, the value and what
// was expected, each with a stable message ID (CFG-xxx); see docs/messages.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config_schema.hpp"
#include "core/units.hpp"

namespace pixforge {

class Config {
  public:
    using Value =
        std::variant<bool, std::int64_t, units::Quantity, std::string, std::vector<units::Quantity>>;

    // All defaults.
    static Config defaults();
    // Reads `path`; `overrides` are "section.key=value" strings applied after the file.
    static Config load(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});
    // Same, from text; `source_name` stands for the file in messages.
    static Config parse(std::string_view toml_text, const std::string& source_name,
                        const std::vector<std::string>& overrides = {});

    double real(const std::string& key) const;  // SI; plain numbers as they are
    units::Quantity quantity(const std::string& key) const;
    std::int64_t integer(const std::string& key) const;
    bool flag(const std::string& key) const;
    const std::string& text(const std::string& key) const;
    std::vector<units::Quantity> quantities(const std::string& key) const;
    std::vector<double> reals(const std::string& key) const;

    // Where the values came from ("configs/default.toml", or "<defaults>").
    const std::string& source() const { return source_; }
    // The TOML text as given. Free-form sections that the schema does not describe (the
    // optimizer's [space.<name>] tables) are read from it by their own parsers.
    const std::string& document() const { return document_; }
    // The [space] tables, re-serialized ("" when absent); part of resolved_toml().
    const std::string& space_toml() const { return space_toml_; }
    // Every key with its value, defaults filled in, in TOML that Config::parse reads back.
    std::string resolved_toml() const;
    // The part of resolved_toml() in the listed [sections]: a cache key that changes exactly when
    // one of those settings does. Each library names the sections it reads (its cache_key).
    std::string resolved_sections(const std::vector<std::string>& sections) const;

    // Throws CFG-009 for a value that is valid alone but not with others.
    [[noreturn]] void reject(const std::string& key, const std::string& why) const;

  private:
    void set(const ParamSpec& spec, const Value& v) { values_[spec.key] = v; }
    const Value& get(const std::string& key) const;

    std::string source_ = "<defaults>";
    std::string document_, space_toml_;
    std::map<std::string, Value> values_;
};

}  // namespace pixforge
