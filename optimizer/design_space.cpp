#include "optimizer/design_space.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/error.hpp"

namespace pixforge::optimizer {

int DesignSpace::cells(size_t i) const {
    const Parameter& p = params_[i];
    switch (p.kind) {
        case ParamKind::Continuous:
            return 0;
        case ParamKind::Integer:
            return static_cast<int>(p.high - p.low) + 1;
        case ParamKind::Ordinal:
            return static_cast<int>(p.values.size());
        case ParamKind::Categorical:
            return static_cast<int>(p.choices.size());
    }
    return 0;
}

namespace {
int cell_of(double u, int cells) {
    return std::clamp(static_cast<int>(u * cells), 0, cells - 1);
}
}  // namespace

void DesignSpace::add(Parameter p) {
    params_.push_back(std::move(p));
}

DesignSpace DesignSpace::unit_cube(int d) {
    DesignSpace s;
    for (int i = 0; i < d; ++i)
        s.add({fmt::format("x{}", i), ParamKind::Continuous, 0, 1, false, {}, {}, -1, {}});
    return s;
}

bool DesignSpace::active(size_t i, const std::vector<double>& u) const {
    const Parameter& p = params_[i];
    if (p.parent < 0) return true;
    const auto parent = static_cast<size_t>(p.parent);
    if (!active(parent, u)) return false;
    const std::string v = value_text(parent, u);
    return std::find(p.parent_values.begin(), p.parent_values.end(), v) != p.parent_values.end();
}

double DesignSpace::numeric_value(size_t i, const std::vector<double>& u) const {
    const Parameter& p = params_[i];
    const double x = std::clamp(u[i], 0.0, 1.0);
    switch (p.kind) {
        case ParamKind::Continuous:
            return p.log ? std::exp(std::log(p.low) + x * (std::log(p.high) - std::log(p.low)))
                         : p.low + x * (p.high - p.low);
        case ParamKind::Integer:
            if (p.log) {
                const double v =
                    std::exp(std::log(p.low - 0.5) + x * (std::log(p.high + 0.5) - std::log(p.low - 0.5)));
                return std::clamp(std::round(v), p.low, p.high);
            }
            return p.low + cell_of(x, cells(i));
        case ParamKind::Ordinal:
            return p.values[static_cast<size_t>(cell_of(x, cells(i)))];
        case ParamKind::Categorical:
            return cell_of(x, cells(i));
    }
    return 0;
}

std::string DesignSpace::value_text(size_t i, const std::vector<double>& u) const {
    const Parameter& p = params_[i];
    if (p.kind == ParamKind::Categorical) return p.choices[static_cast<size_t>(numeric_value(i, u))];
    return fmt::format("{:.6g}", numeric_value(i, u));
}

std::vector<double> DesignSpace::snap(const std::vector<double>& u) const {
    std::vector<double> out(u.size());
    for (size_t i = 0; i < params_.size(); ++i) {
        const Parameter& p = params_[i];
        const double x = std::clamp(u[i], 0.0, 1.0);
        if (p.kind == ParamKind::Continuous) {
            out[i] = x;
        } else if (p.kind == ParamKind::Integer && p.log) {
            // Centre of the log-cell of the decoded integer.
            const double v = numeric_value(i, u), a = std::log(p.low - 0.5), b = std::log(p.high + 0.5);
            out[i] = (0.5 * (std::log(v - 0.5) + std::log(v + 0.5)) - a) / (b - a);
        } else {
            out[i] = (cell_of(x, cells(i)) + 0.5) / cells(i);
        }
    }
    for (size_t i = 0; i < params_.size(); ++i)
        if (!active(i, out)) out[i] = 0.5;
    return out;
}

std::string DesignSpace::describe(const std::vector<double>& u) const {
    std::string s;
    for (size_t i = 0; i < params_.size(); ++i)
        if (active(i, u)) s += (s.empty() ? "" : ", ") + params_[i].name + "=" + value_text(i, u);
    return s;
}

Eigen::Index DesignSpace::feature_size() const {
    Eigen::Index n = 0;
    for (const auto& p : params_)
        n += p.kind == ParamKind::Categorical ? static_cast<Eigen::Index>(p.choices.size()) : 1;
    return n;
}

Eigen::VectorXd DesignSpace::features(const std::vector<double>& u) const {
    Eigen::VectorXd f = Eigen::VectorXd::Zero(feature_size());
    Eigen::Index k = 0;
    for (size_t i = 0; i < params_.size(); ++i) {
        const Parameter& p = params_[i];
        const bool on = active(i, u);
        if (p.kind == ParamKind::Categorical) {
            if (on) f(k + static_cast<Eigen::Index>(numeric_value(i, u))) = 1.0;
            k += static_cast<Eigen::Index>(p.choices.size());
        } else {
            f(k++) = on ? std::clamp(u[i], 0.0, 1.0) : 0.0;
        }
    }
    return f;
}

namespace {

[[noreturn]] void fail(const std::string& id, const std::string& where, const std::string& what) {
    throw PixError(id, where + ": " + what);
}

std::string where_of(const std::string& source, const toml::node& n, const std::string& param) {
    const auto line = n.source().begin.line;
    return line ? fmt::format("{}:{}: [space.{}]", source, line, param)
                : fmt::format("{}: [space.{}]", source, param);
}

double number(const toml::node* n, const std::string& where, const char* key) {
    if (!n) fail("SPACE-003", where, fmt::format("missing '{}'; expected a number", key));
    if (auto v = n->value<double>(); v && n->is_number()) return *v;
    fail("SPACE-003", where, fmt::format("'{}' must be a number", key));
}

std::string value_key(const toml::node& n) {
    if (auto s = n.as_string()) return s->get();
    if (auto v = n.value<double>()) return fmt::format("{:.6g}", *v);
    if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
    return "?";
}

}  // namespace

DesignSpace DesignSpace::from_toml(const std::string& text, const std::string& source) {
    toml::table doc;
    try {
        doc = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw PixError("CFG-002", fmt::format("{}:{}:{}: malformed TOML: {}", source, e.source().begin.line,
                                              e.source().begin.column, e.description()));
    }
    DesignSpace space;
    const toml::table* tables = doc["space"].as_table();
    if (!tables || tables->empty())
        fail("SPACE-007", source, "no [space.<name>] tables; a study needs at least one parameter to search");
    // toml++ tables are ordered by key; keep the file's order so `when` can refer to earlier ones.
    std::vector<std::pair<std::string, const toml::table*>> ordered;
    for (const auto& [key, node] : *tables) {
        const std::string name(key.str());
        const toml::table* t = node.as_table();
        if (!t)
            fail("SPACE-001", where_of(source, node, name), "expected a table such as [space." + name + "]");
        ordered.emplace_back(name, t);
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
        return a.second->source().begin.line < b.second->source().begin.line;
    });
    // A parameter must follow the one its `when` names; regenerated TOML (a resolved config) lists
    // tables alphabetically. Keep the file order, moving a child only as far as after its parent.
    std::map<std::string, std::string> parent_of;
    for (const auto& [name, t] : ordered)
        if (const toml::node* w = t->get("when"); w && w->as_table() && w->as_table()->size() == 1)
            parent_of[name] = std::string(w->as_table()->begin()->first.str());
    {
        std::set<std::string> names, placed;
        for (const auto& item : ordered) names.insert(item.first);
        std::vector<std::pair<std::string, const toml::table*>> sorted, waiting = ordered;
        while (!waiting.empty()) {
            auto ready = std::find_if(waiting.begin(), waiting.end(), [&](const auto& item) {
                auto p = parent_of.find(item.first);
                return p == parent_of.end() || placed.count(p->second) || !names.count(p->second);
            });
            if (ready == waiting.end()) ready = waiting.begin();  // a cycle: reported below as SPACE-005
            placed.insert(ready->first);
            sorted.push_back(*ready);
            waiting.erase(ready);
        }
        ordered = std::move(sorted);
    }
    static const std::set<std::string> known = {"kind", "min", "max", "log", "values", "choices", "when"};
    for (const auto& [name, t] : ordered) {
        const std::string where = where_of(source, *t, name);
        for (const auto& [k, v] : *t)
            if (!known.count(std::string(k.str())))
                fail("SPACE-006", where,
                     fmt::format("unknown key '{}'; a parameter takes kind, min, max, log, values, "
                                 "choices and when",
                                 k.str()));
        Parameter p;
        p.name = name;
        const std::string kind =
            t->get("kind") && t->get("kind")->is_string() ? t->get("kind")->as_string()->get() : "";
        if (kind == "continuous" || kind == "integer") {
            p.kind = kind == "continuous" ? ParamKind::Continuous : ParamKind::Integer;
            p.low = number(t->get("min"), where, "min");
            p.high = number(t->get("max"), where, "max");
            p.log = t->get("log") && t->get("log")->value<bool>().value_or(false);
            if (!(p.high > p.low) && !(p.kind == ParamKind::Integer && p.high == p.low))
                fail("SPACE-003", where, fmt::format("max ({}) must be above min ({})", p.high, p.low));
            if (p.kind == ParamKind::Integer && (p.low != std::floor(p.low) || p.high != std::floor(p.high)))
                fail("SPACE-003", where, "integer bounds must be whole numbers");
            if (p.log && p.low <= (p.kind == ParamKind::Integer ? 0.5 : 0.0))
                fail("SPACE-003", where, "a log-scale parameter needs min > 0");
        } else if (kind == "ordinal") {
            p.kind = ParamKind::Ordinal;
            const toml::array* a = t->get("values") ? t->get("values")->as_array() : nullptr;
            if (!a || a->empty())
                fail("SPACE-004", where, "an ordinal parameter needs values = [v1, v2, ...] (numbers)");
            for (const auto& v : *a) p.values.push_back(number(&v, where, "values"));
            if (!std::is_sorted(p.values.begin(), p.values.end()))
                fail("SPACE-004", where, "ordinal values must be in increasing order");
        } else if (kind == "categorical") {
            p.kind = ParamKind::Categorical;
            const toml::array* a = t->get("choices") ? t->get("choices")->as_array() : nullptr;
            if (!a || a->empty())
                fail("SPACE-004", where, "a categorical parameter needs choices = [\"a\", \"b\", ...]");
            for (const auto& v : *a) p.choices.push_back(value_key(v));
        } else {
            fail("SPACE-002", where,
                 fmt::format("kind = \"{}\"; expected \"continuous\", \"integer\", \"ordinal\" or "
                             "\"categorical\"",
                             kind));
        }
        if (const toml::node* w = t->get("when")) {
            const toml::table* cond = w->as_table();
            if (!cond || cond->size() != 1)
                fail("SPACE-005", where, "when = { parent = [values] } names exactly one earlier parameter");
            const auto entry = cond->begin();  // toml++ iterators own the pair they yield: keep it alive
            const std::string parent(entry->first.str());
            const toml::node& values = entry->second;
            for (size_t i = 0; i < space.size(); ++i)
                if (space[i].name == parent) p.parent = static_cast<int>(i);
            if (p.parent < 0)
                fail("SPACE-005", where,
                     fmt::format("when refers to '{}', which is not a parameter defined above", parent));
            if (const toml::array* a = values.as_array())
                for (const auto& v : *a) p.parent_values.push_back(value_key(v));
            else
                p.parent_values.push_back(value_key(values));
        }
        space.add(std::move(p));
    }
    return space;
}

}  // namespace pixforge::optimizer
