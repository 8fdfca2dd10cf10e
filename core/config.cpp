#include "core/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/toml_show.hpp"

#include "core/error.hpp"

namespace pixforge {
namespace {

using units::Dimension;

// Where a value came from, for messages: "file.toml:12" or "--set".
struct Origin {
    std::string where;
};

Origin origin_of(const std::string& source, const toml::node& node) {
    const auto line = node.source().begin.line;
    return {line > 0 ? fmt::format("{}:{}", source, line) : source};
}

}  // namespace

std::string show_toml(const toml::node& node) {
    std::ostringstream os;
    if (auto s = node.as_string())
        os << '"' << s->get() << '"';
    else if (auto f = node.as_floating_point())
        os << fmt::format("{}", f->get());  // shortest round-trip form: 6.4, not 6.4000000000000004
    else
        node.visit([&os](const auto& n) { os << n; });
    return os.str();
}

namespace {

std::string expected_text(const ParamSpec& spec) {
    switch (spec.type) {
        case ParamType::Real:
            if (spec.dimension == Dimension::Dimensionless) return "a number such as 0.5";
            return fmt::format("a {} with a unit, such as {}", units::dimension_name(spec.dimension),
                               units::example(spec.dimension));
        case ParamType::Integer:
            return "an integer such as 8";
        case ParamType::Boolean:
            return "true or false";
        case ParamType::Choice:
            return fmt::format("one of \"{}\"", fmt::join(spec.choices, "\", \""));
        case ParamType::Text:
            return "a string such as \"path/to/file\"";
        case ParamType::RealList:
            if (spec.dimension == Dimension::Dimensionless) return "an array of numbers such as [1.0, 0.5]";
            return fmt::format("an array of {} strings with units, such as [{}]",
                               units::dimension_name(spec.dimension), units::example(spec.dimension));
    }
    return "?";
}

[[noreturn]] void fail(const std::string& id, const Origin& at, const ParamSpec& spec,
                       const std::string& value, const std::string& problem) {
    throw PixError(id, fmt::format("{}: '{}' = {}: {}; expected {}", at.where, spec.key, value, problem,
                                   expected_text(spec)));
}

void check_range(const ParamSpec& spec, double si, const Origin& at, const std::string& shown) {
    if (si >= spec.min && si <= spec.max) return;
    auto bound = [&](double b) {
        return spec.type == ParamType::Integer || spec.dimension == Dimension::ChargeOrEnergy
                   ? fmt::format("{:.9g}", b)
                   : units::format(b, spec.dimension);
    };
    std::string range;
    if (std::isinf(spec.max))
        range = "at least " + bound(spec.min);
    else
        range = fmt::format("between {} and {}", bound(spec.min), bound(spec.max));
    throw PixError("CFG-006", fmt::format("{}: '{}' = {} is out of range; allowed: {}", at.where, spec.key,
                                          shown, range));
}

units::Quantity to_quantity(const ParamSpec& spec, const toml::node& node, const Origin& at) {
    const std::string shown = show_toml(node);
    if (spec.dimension == Dimension::Dimensionless) {
        if (auto v = node.value<double>(); v && (node.is_floating_point() || node.is_integer()))
            return {*v, Dimension::Dimensionless};
        fail("CFG-004", at, spec, shown, "wrong type");
    }
    if (node.is_number()) fail("CFG-005", at, spec, shown, "missing unit");
    if (!node.is_string()) fail("CFG-004", at, spec, shown, "wrong type");
    try {
        return units::parse(node.as_string()->get(), spec.dimension);
    } catch (const std::invalid_argument& e) {
        fail("CFG-005", at, spec, shown, e.what());
    }
}

Config::Value convert(const ParamSpec& spec, const toml::node& node, const Origin& at) {
    const std::string shown = show_toml(node);
    switch (spec.type) {
        case ParamType::Boolean:
            if (auto b = node.as_boolean()) return b->get();
            fail("CFG-004", at, spec, shown, "wrong type");
        case ParamType::Integer: {
            auto i = node.as_integer();
            if (!i) fail("CFG-004", at, spec, shown, "wrong type");
            check_range(spec, static_cast<double>(i->get()), at, shown);
            return static_cast<std::int64_t>(i->get());
        }
        case ParamType::Text: {
            auto s = node.as_string();
            if (!s) fail("CFG-004", at, spec, shown, "wrong type");
            return s->get();
        }
        case ParamType::Choice: {
            auto s = node.as_string();
            if (!s) fail("CFG-004", at, spec, shown, "wrong type");
            for (const auto& c : spec.choices)
                if (c == s->get()) return s->get();
            fail("CFG-007", at, spec, shown, "not an allowed choice");
        }
        case ParamType::Real: {
            const units::Quantity q = to_quantity(spec, node, at);
            // A charge-or-energy bound depends on the material, so only its sign is checked here;
            // the model layer checks it again once converted to electrons.
            if (spec.dimension == Dimension::ChargeOrEnergy) {
                if (q.si < 0)
                    throw PixError("CFG-006",
                                   fmt::format("{}: '{}' = {} is out of range; allowed: at least 0", at.where,
                                               spec.key, shown));
            } else {
                check_range(spec, q.si, at, shown);
            }
            return q;
        }
        case ParamType::RealList: {
            auto arr = node.as_array();
            if (!arr) fail("CFG-004", at, spec, shown, "wrong type");
            std::vector<units::Quantity> out;
            for (const auto& item : *arr) {
                out.push_back(to_quantity(spec, item, at));
                if (out.back().si < spec.min)
                    throw PixError("CFG-006",
                                   fmt::format("{}: '{}' = {}: element {} is below the minimum {:.9g}",
                                               at.where, spec.key, shown, show_toml(item), spec.min));
            }
            return out;
        }
    }
    throw std::logic_error("unhandled parameter type");
}

[[noreturn]] void unknown_key(const std::string& where, const std::string& key, const std::string& context,
                              const ConfigSchema& schema) {
    const std::string hint = schema.closest(key);
    throw PixError("CFG-003",
                   fmt::format("{}: unknown key '{}'{}{} (pixforge config --describe lists every key)", where,
                               key, context, hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

// The one free-form section: a study's design space, validated by optimizer::DesignSpace.
constexpr const char* kSpaceSection = "space";

void apply_table(const toml::table& root, const std::string& source, const ConfigSchema& schema,
                 bool skip_undeclared_sections,
                 const std::function<void(const ParamSpec&, const Config::Value&)>& store) {
    for (const auto& [section_key, section_node] : root) {
        const std::string section(section_key.str());
        if (section == kSpaceSection && section_node.is_table()) continue;
        if (skip_undeclared_sections && section_node.is_table() && !schema.declares_section(section))
            continue;
        const auto* section_table = section_node.as_table();
        if (!section_table)
            unknown_key(origin_of(source, section_node).where, section,
                        " outside any section; keys live in sections "
                        "such as [frontend]",
                        schema);
        for (const auto& [name, node] : *section_table) {
            const std::string key = section + "." + std::string(name.str());
            const ParamSpec* spec = schema.find(key);
            if (!spec) unknown_key(origin_of(source, node).where, key, "", schema);
            store(*spec, convert(*spec, node, origin_of(source, node)));
        }
    }
}

toml::table parse_toml(std::string_view text, const std::string& source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw PixError("CFG-002", fmt::format("{}:{}:{}: malformed TOML: {}", source, e.source().begin.line,
                                              e.source().begin.column, e.description()));
    }
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF), as TOML requires.
bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        const int extra = c < 0x80           ? 0
                          : (c >> 5) == 0x6  ? 1
                          : (c >> 4) == 0xE  ? 2
                          : (c >> 3) == 0x1E ? 3
                                             : -1;
        if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size() + (extra == 0)) return false;
        std::uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

// "--set section.key=value": the value is read as TOML when it parses as such, else as a string,
// so both `--set adc.bits=8` and `--set frontend.shaper_tau=30ns` work.
void apply_override(const std::string& text, const ConfigSchema& schema,
                    const std::function<void(const ParamSpec&, const Config::Value&)>& store) {
    const auto eq = text.find('=');
    const std::string key = text.substr(0, eq);
    if (eq == std::string::npos || key.find('.') == std::string::npos || key.empty())
        throw PixError("CFG-008", fmt::format("--set '{}': expected section.key=value, such as "
                                              "--set frontend.shaper_tau=30ns",
                                              text));
    const std::string value = text.substr(eq + 1);
    const ParamSpec* spec = schema.find(key);
    if (!spec) unknown_key("--set", key, "", schema);
    toml::table wrapper;
    try {
        wrapper = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
        // Taken as raw text: it must be UTF-8, or the resolved config saved with every output
        // could not be read back.
        if (!valid_utf8(value))
            throw PixError("CFG-010", fmt::format("--set '{}': the value is not valid UTF-8 text", key));
        wrapper.insert("v", value);
    }
    store(*spec, convert(*spec, *wrapper.get("v"), Origin{"--set"}));
}

// A TOML basic string: toml++ escapes quotes, backslashes and control characters, so any
// valid UTF-8 text reads back unchanged.
std::string toml_string(const std::string& text) {
    std::ostringstream os;
    os << toml::value<std::string>(text);
    return os.str();
}

std::string value_to_toml(const ParamSpec& spec, const Config::Value& v) {
    return std::visit(
        [&](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) {
                return x ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return std::to_string(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return toml_string(x);
            } else if constexpr (std::is_same_v<T, units::Quantity>) {
                if (x.dimension == Dimension::Dimensionless) return fmt::format("{:.9g}", x.si);
                return "\"" + units::format(x.si, x.dimension) + "\"";
            } else {
                std::vector<std::string> items;
                for (const auto& q : x)
                    items.push_back(q.dimension == Dimension::Dimensionless
                                        ? fmt::format("{:.9g}", q.si)
                                        : "\"" + units::format(q.si, q.dimension) + "\"");
                return "[" + fmt::format("{}", fmt::join(items, ", ")) + "]";
            }
        },
        v);
}

}  // namespace

Config Config::defaults(const ConfigSchema& schema) {
    Config c(schema);
    for (const auto& spec : schema.params()) {
        const toml::table t = parse_toml("v = " + spec.default_text, "<default of " + spec.key + ">");
        c.set(spec, convert(spec, *t.get("v"), Origin{"<default>"}));
    }
    return c;
}

Config Config::read(const ConfigSchema& schema, std::string_view toml_text, const std::string& source_name,
                    const std::vector<std::string>& overrides, bool skip_undeclared_sections) {
    Config c = defaults(schema);
    c.source_ = source_name;
    c.document_ = std::string(toml_text);
    c.overrides_ = overrides;
    auto store = [&c](const ParamSpec& spec, const Value& v) { c.set(spec, v); };
    const toml::table root = parse_toml(toml_text, source_name);
    apply_table(root, source_name, schema, skip_undeclared_sections, store);
    if (const toml::table* space = root[kSpaceSection].as_table()) {
        toml::table wrapper;
        wrapper.insert(kSpaceSection, *space);
        std::ostringstream os;
        os << wrapper;
        c.space_toml_ = os.str();
    }
    for (const auto& o : overrides) apply_override(o, schema, store);
    return c;
}

Config Config::parse(const ConfigSchema& schema, std::string_view toml_text, const std::string& source_name,
                     const std::vector<std::string>& overrides) {
    return read(schema, toml_text, source_name, overrides, false);
}

Config Config::parse_stored(const ConfigSchema& schema, std::string_view toml_text,
                            const std::string& source_name) {
    return read(schema, toml_text, source_name, {}, true);
}

Config Config::with(const std::vector<std::string>& more) const {
    std::vector<std::string> all = overrides_;
    all.insert(all.end(), more.begin(), more.end());
    return parse(*schema_, document_, source_, all);
}

Config Config::load(const ConfigSchema& schema, const std::filesystem::path& path,
                    const std::vector<std::string>& overrides) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path))
        throw PixError("CFG-001",
                       fmt::format("{}: cannot read the config file (missing or not readable); pass an "
                                   "existing TOML file, e.g. configs/default.toml",
                                   path.string()));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(schema, buffer.str(), path.string(), overrides);
}

const Config::Value& Config::get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw std::logic_error("config key not declared in the schema: " + key);
    return it->second;
}

units::Quantity Config::quantity(const std::string& key) const {
    return std::get<units::Quantity>(get(key));
}
double Config::real(const std::string& key) const {
    return quantity(key).si;
}
std::int64_t Config::integer(const std::string& key) const {
    return std::get<std::int64_t>(get(key));
}
bool Config::flag(const std::string& key) const {
    return std::get<bool>(get(key));
}
const std::string& Config::text(const std::string& key) const {
    return std::get<std::string>(get(key));
}
std::vector<units::Quantity> Config::quantities(const std::string& key) const {
    return std::get<std::vector<units::Quantity>>(get(key));
}
std::vector<double> Config::reals(const std::string& key) const {
    std::vector<double> out;
    for (const auto& q : quantities(key)) out.push_back(q.si);
    return out;
}

void Config::reject(const std::string& key, const std::string& why) const {
    const ParamSpec* spec = schema_->find(key);
    const std::string shown = spec ? value_to_toml(*spec, get(key)) : "?";
    throw PixError("CFG-009", fmt::format("{}: '{}' = {}: {}", source_, key, shown, why));
}

std::string Config::resolved_sections(const std::vector<std::string>& sections) const {
    std::istringstream in(resolved_toml());
    std::string line, out;
    bool keep = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '[') {
            const std::string name = line.substr(1, line.find(']') - 1);
            keep = std::find(sections.begin(), sections.end(), name) != sections.end();
        }
        if (keep) out += line + "\n";
    }
    return out;
}

std::string Config::resolved_toml() const {
    std::string out;
    std::string section;
    for (const auto& spec : schema_->params()) {
        const std::string s = spec.key.substr(0, spec.key.find('.'));
        if (s != section) {
            out += (section.empty() ? "" : "\n") + ("[" + s + "]\n");
            section = s;
        }
        out += spec.key.substr(s.size() + 1) + " = " + value_to_toml(spec, get(spec.key)) + "\n";
    }
    if (!space_toml_.empty()) out += "\n" + space_toml_ + "\n";
    return out;
}

}  // namespace pixforge
