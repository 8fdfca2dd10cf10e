// A validated run configuration: one TOML file, optional --set overrides, every key checked
// against a ConfigSchema, every default filled in. Errors name the file, the key, the value and what
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

    // Every constructor takes the schema of the keys it may hold; the Config keeps a reference to
    // it (schemas are built once and outlive every Config: codesign::all_config_keys()).

    // All defaults.
    static Config defaults(const ConfigSchema& schema);
    // Reads `path`; `overrides` are "section.key=value" strings applied after the file.
    static Config load(const ConfigSchema& schema, const std::filesystem::path& path,
                       const std::vector<std::string>& overrides = {});
    // Same, from text; `source_name` stands for the file in messages.
    static Config parse(const ConfigSchema& schema, std::string_view toml_text,
                        const std::string& source_name, const std::vector<std::string>& overrides = {});
    // A config stored in an output file (a dataset's, a network's), read by a library that knows
    // only some sections: the sections `schema` does not declare are skipped, since the file's
    // writer checked them and they may belong to layers above the reader.
    static Config parse_stored(const ConfigSchema& schema, std::string_view toml_text,
                               const std::string& source_name);
    // This config's document and overrides again, with `more` overrides after them.
    Config with(const std::vector<std::string>& more) const;

    const ConfigSchema& schema() const { return *schema_; }

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
    explicit Config(const ConfigSchema& schema) : schema_(&schema) {}
    static Config read(const ConfigSchema& schema, std::string_view toml_text, const std::string& source_name,
                       const std::vector<std::string>& overrides, bool skip_undeclared_sections);
    void set(const ParamSpec& spec, const Value& v) { values_[spec.key] = v; }
    const Value& get(const std::string& key) const;

    const ConfigSchema* schema_;
    std::string source_ = "<defaults>";
    std::string document_, space_toml_;
    std::vector<std::string> overrides_;
    std::map<std::string, Value> values_;
};

}  // namespace pixforge
