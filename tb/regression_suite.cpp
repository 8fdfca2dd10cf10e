#include "tb/regression_suite.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/toml_show.hpp"
#include "tb/chain_summary.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;

namespace {

// Typed reads of one suite table, each refusal naming the file, the table and the key (REG-002).
struct SuiteTable {
    const fs::path& file;
    std::string where;  // "[suite]", "[[design]] 2", ...
    const toml::table& table;

    [[noreturn]] void refuse(const std::string& key, const std::string& found,
                             const std::string& expected) const {
        throw PixError("REG-002", fmt::format("{}: {} key '{}' is {}; expected {}", file.string(), where, key,
                                              found, expected));
    }
    static std::string shown(const toml::node& node) { return show_toml(node); }
    // Refuses any key not in `known` (a misspelt key must not be silently ignored).
    void only(std::initializer_list<const char*> known) const {
        for (const auto& [key, node] : table) {
            const bool listed =
                std::any_of(known.begin(), known.end(), [&](const char* k) { return key.str() == k; });
            if (!listed)
                throw PixError("REG-002",
                               fmt::format("{}: {} has an unknown key '{}'; expected one of: {}",
                                           file.string(), where, key.str(), fmt::join(known, ", ")));
        }
    }
    std::optional<std::string> text(const char* key, bool required = false) const {
        const toml::node* n = table.get(key);
        if (!n) {
            if (required) refuse(key, "missing", "text");
            return std::nullopt;
        }
        if (!n->is_string() || n->as_string()->get().empty()) refuse(key, shown(*n), "non-empty text");
        return n->as_string()->get();
    }
    std::vector<std::string> texts(const char* key) const {
        std::vector<std::string> out;
        const toml::node* n = table.get(key);
        if (!n) return out;
        if (!n->is_array()) refuse(key, shown(*n), "an array of texts");
        for (const toml::node& x : *n->as_array()) {
            if (!x.is_string()) refuse(key, shown(*n), "an array of texts");
            out.push_back(x.as_string()->get());
        }
        return out;
    }
    std::optional<std::uint64_t> count(const char* key, std::int64_t least, std::int64_t most) const {
        const toml::node* n = table.get(key);
        if (!n) return std::nullopt;
        if (!n->is_integer() || n->as_integer()->get() < least || n->as_integer()->get() > most)
            refuse(key, shown(*n), fmt::format("an integer from {} to {}", least, most));
        return static_cast<std::uint64_t>(n->as_integer()->get());
    }
    std::optional<double> number(const char* key, double least, double most) const {
        const toml::node* n = table.get(key);
        if (!n) return std::nullopt;
        const std::optional<double> v = n->value<double>();
        if (!v || !(*v >= least && *v <= most))
            refuse(key, shown(*n), fmt::format("a number from {:g} to {:g}", least, most));
        return v;
    }
};

// The [[NAME]] tables of the suite, each with its position for messages.
std::vector<SuiteTable> tables_of(const fs::path& file, const toml::table& root, const char* name) {
    std::vector<SuiteTable> out;
    const toml::node* n = root.get(name);
    if (!n) return out;
    if (!n->is_array_of_tables())
        throw PixError("REG-002", fmt::format("{}: '{}' must be an array of tables ([[{}]]), one per entry",
                                              file.string(), name, name));
    int i = 0;
    for (const toml::node& t : *n->as_array())
        out.push_back({file, fmt::format("[[{}]] {}", name, ++i), *t.as_table()});
    return out;
}

fs::path beside(const fs::path& file, const std::string& path) {
    const fs::path p(path);
    return p.is_absolute() ? p : fs::absolute(file.parent_path() / p).lexically_normal();
}

void unique_name(const SuiteTable& t, const std::string& name, std::set<std::string>& seen) {
    if (!seen.insert(name).second) t.refuse("name", "'" + name + "', already used", "a name of its own");
}

RegressionDesign read_design(const SuiteTable& t, std::set<std::string>& seen) {
    t.only({"name", "candidate", "classical", "block", "scenarios"});
    RegressionDesign d;
    d.name = *t.text("name", true);
    unique_name(t, d.name, seen);
    const auto candidate = t.text("candidate");
    const auto classical = t.text("classical");
    if (candidate.has_value() == classical.has_value())
        t.refuse("candidate", candidate ? "given with 'classical'" : "missing, and so is 'classical'",
                 "either a candidate folder (pixforge rtl -o DIR) or a classical estimator's name");
    if (candidate) {
        d.candidate = beside(t.file, *candidate);
        if (!fs::is_directory(d.candidate))
            t.refuse("candidate", fmt::format("'{}' ({} is not a folder)", *candidate, d.candidate.string()),
                     "a candidate folder written by pixforge rtl -o DIR, relative to the suite file");
    } else {
        d.classical = *classical;
    }
    const std::string block = t.text("block").value_or("pixel");
    if (block != "pixel" && block != "network")
        t.refuse("block", "'" + block + "'", "\"pixel\" or \"network\"");
    d.pixel_block = d.classical.empty() && block == "pixel";
    d.scenarios = t.texts("scenarios");
    return d;
}

// A CFG error of a scenario's config, said as the suite's.
[[noreturn]] void rethrow_for(const fs::path& file, const std::string& scenario, const PixError& e) {
    std::string message = e.what();
    const std::string prefix = "[ERROR " + e.id() + "] ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    throw PixError(e.id(), fmt::format("{}: scenario '{}': {}", file.string(), scenario, message));
}

RegressionScenario read_scenario(const SuiteTable& t, const ConfigSchema& keys, std::set<std::string>& seen) {
    t.only({"name", "config", "set", "rates"});
    RegressionScenario s;
    s.name = *t.text("name", true);
    unique_name(t, s.name, seen);
    s.config = beside(t.file, *t.text("config", true));
    s.overrides = t.texts("set");
    s.rates = t.texts("rates");
    try {
        const Config config = Config::load(keys, s.config, s.overrides);
        if (s.rates.empty()) s.rates.push_back(fmt::format("{:g}/s", config.real("source.rate")));
        for (const std::string& rate : s.rates) {
            std::vector<std::string> with_rate = s.overrides;
            with_rate.push_back("source.rate=\"" + rate + "\"");
            s.resolved.push_back(Config::load(keys, s.config, with_rate).resolved_toml());
        }
    } catch (const PixError& e) {
        rethrow_for(t.file, s.name, e);
    }
    if (std::set<std::string>(s.rates.begin(), s.rates.end()).size() != s.rates.size())
        t.refuse("rates", fmt::format("[{}]", fmt::join(s.rates, ", ")), "each rate once");
    return s;
}

GoldenFigure read_golden(const SuiteTable& t, const RegressionSuite& suite) {
    t.only({"design", "scenario", "rate", "figure", "value", "tolerance"});
    GoldenFigure g;
    g.design = *t.text("design", true);
    g.scenario = *t.text("scenario", true);
    g.rate = t.text("rate").value_or("");
    g.figure = *t.text("figure", true);
    const toml::node* value = t.table.get("value");
    if (!value) t.refuse("value", "missing", "the expected figure (a number), or \"not fitted\"");
    if (value->is_string() && value->as_string()->get() == "not fitted")
        g.value = std::nullopt;
    else if (const auto v = value->value<double>(); v && std::isfinite(*v))
        g.value = *v;
    else
        t.refuse("value", t.shown(*value), "a number, or \"not fitted\"");
    g.tolerance = t.number("tolerance", 0, 1e6).value_or(0.05);
    if (!ChainSummary{}.figure(g.figure))
        t.refuse(
            "figure", "'" + g.figure + "'",
            fmt::format("a figure of the chain summary: {}", fmt::join(ChainSummary::figure_names(), ", ")));
    const auto design = std::find_if(suite.designs.begin(), suite.designs.end(),
                                     [&](const RegressionDesign& d) { return d.name == g.design; });
    const auto scenario = std::find_if(suite.scenarios.begin(), suite.scenarios.end(),
                                       [&](const RegressionScenario& s) { return s.name == g.scenario; });
    if (design == suite.designs.end() || scenario == suite.scenarios.end())
        throw PixError("REG-003",
                       fmt::format("{}: {} names {} '{}', which the suite does not have", t.file.string(),
                                   t.where, design == suite.designs.end() ? "design" : "scenario",
                                   design == suite.designs.end() ? g.design : g.scenario));
    if (!design->runs_in(g.scenario))
        throw PixError(
            "REG-003",
            fmt::format("{}: {} checks design '{}' in scenario '{}', which the design does "
                        "not run in (its scenarios: {})",
                        t.file.string(), t.where, g.design, g.scenario, fmt::join(design->scenarios, ", ")));
    if (!g.rate.empty() &&
        std::find(scenario->rates.begin(), scenario->rates.end(), g.rate) == scenario->rates.end())
        throw PixError(
            "REG-003",
            fmt::format("{}: {} names rate '{}', which scenario '{}' does not run (it runs {})",
                        t.file.string(), t.where, g.rate, g.scenario, fmt::join(scenario->rates, ", ")));
    return g;
}

}  // namespace

RegressionSuite load_regression_suite(const fs::path& file, const ConfigSchema& keys) {
    const std::optional<std::string> text = read_whole_file(file);
    if (!text)
        throw PixError("REG-001", fmt::format("{}: the regression suite cannot be read; expected a TOML file "
                                              "(docs/regress.md, configs/regress/four_scenarios.toml)",
                                              file.string()));
    RegressionSuite suite;
    suite.file = fs::absolute(file);
    suite.text = *text;
    toml::table root;
    try {
        root = toml::parse(suite.text, file.string());
    } catch (const toml::parse_error& e) {
        throw PixError("REG-001", fmt::format("{} line {}: not valid TOML: {}", file.string(),
                                              e.source().begin.line, e.description()));
    }
    for (const auto& [key, node] : root)
        if (key.str() != "suite" && key.str() != "design" && key.str() != "scenario" && key.str() != "golden")
            throw PixError("REG-002", fmt::format("{}: unknown table '{}'; a suite has [suite], [[design]], "
                                                  "[[scenario]] and [[golden]]",
                                                  file.string(), key.str()));
    const toml::table empty;
    const toml::table* head = root["suite"].as_table();
    if (root.contains("suite") && !head)
        throw PixError("REG-002",
                       fmt::format("{}: 'suite' must be a table ([suite]) of name, pulses, sub_stream, "
                                   "seeds and timeout",
                                   file.string()));
    const SuiteTable s{file, "[suite]", head ? *head : empty};
    s.only({"name", "pulses", "sub_stream", "seeds", "timeout", "waves_on_failure"});
    suite.name = s.text("name").value_or(file.stem().string());
    suite.pulses = s.count("pulses", 1, std::int64_t{1} << 40).value_or(suite.pulses);
    suite.sub_stream = s.count("sub_stream", 1, std::int64_t{1} << 40).value_or(suite.pulses);
    suite.timeout_s = s.number("timeout", 1, 1e7).value_or(suite.timeout_s);
    if (s.table.contains("waves_on_failure")) {  // "" turns it off
        const toml::node& w = *s.table.get("waves_on_failure");
        if (!w.is_string())
            s.refuse("waves_on_failure", s.shown(w), "an event spec such as \"miss:2keV\", or \"\"");
        suite.waves_on_failure = w.as_string()->get();
    }
    if (const toml::node* seeds = s.table.get("seeds")) {
        suite.seeds.clear();
        const toml::array* list = seeds->as_array();
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            const auto v = (*list)[i].value<std::int64_t>();
            if (!v || *v < 0 || *v > (std::int64_t{1} << 53))
                list = nullptr;
            else
                suite.seeds.push_back(static_cast<std::uint64_t>(*v));
        }
        if (!list || suite.seeds.empty() ||
            std::set<std::uint64_t>(suite.seeds.begin(), suite.seeds.end()).size() != suite.seeds.size())
            s.refuse("seeds", s.shown(*seeds), "a non-empty array of distinct seeds from 0 to 2^53");
    }
    std::set<std::string> design_names, scenario_names;
    for (const SuiteTable& t : tables_of(file, root, "design"))
        suite.designs.push_back(read_design(t, design_names));
    for (const SuiteTable& t : tables_of(file, root, "scenario"))
        suite.scenarios.push_back(read_scenario(t, keys, scenario_names));
    if (suite.designs.empty() || suite.scenarios.empty())
        throw PixError("REG-002",
                       fmt::format("{}: the suite needs at least one [[design]] and one [[scenario]] (it has "
                                   "{} and {})",
                                   file.string(), suite.designs.size(), suite.scenarios.size()));
    for (const RegressionDesign& d : suite.designs)
        for (const std::string& name : d.scenarios)
            if (std::none_of(suite.scenarios.begin(), suite.scenarios.end(),
                             [&](const RegressionScenario& scenario) { return scenario.name == name; }))
                throw PixError("REG-003",
                               fmt::format("{}: design '{}' names scenario '{}', which the suite does not "
                                           "have",
                                           file.string(), d.name, name));
    for (const SuiteTable& t : tables_of(file, root, "golden"))
        suite.goldens.push_back(read_golden(t, suite));
    return suite;
}

bool RegressionDesign::runs_in(const std::string& scenario) const {
    return scenarios.empty() || std::find(scenarios.begin(), scenarios.end(), scenario) != scenarios.end();
}

std::string RegressionJob::label(const RegressionSuite& suite) const {
    return fmt::format("{} / {} / {} / seed {}", suite.designs[design].name, suite.scenarios[scenario].name,
                       rate, seed);
}

std::vector<RegressionJob> expand_jobs(const RegressionSuite& suite) {
    std::vector<RegressionJob> jobs;
    for (std::size_t d = 0; d < suite.designs.size(); ++d)
        for (std::size_t s = 0; s < suite.scenarios.size(); ++s)
            if (suite.designs[d].runs_in(suite.scenarios[s].name))
                for (const std::string& rate : suite.scenarios[s].rates)
                    for (std::uint64_t seed : suite.seeds) jobs.push_back({d, s, rate, seed});
    return jobs;
}

std::uint64_t sub_stream_seed(std::uint64_t seed, int index) {
    if (index == 0) return seed;
    return Rng(seed, fmt::format("regression sub-stream {}", index)).next() >> 11;  // < 2^53, as run.seed
}

std::vector<SubStream> split_job(const RegressionSuite& suite, std::size_t job_index, std::uint64_t seed) {
    const std::uint64_t n = (suite.pulses + suite.sub_stream - 1) / suite.sub_stream;
    std::vector<SubStream> parts;
    for (std::uint64_t k = 0; k < n; ++k) {
        const std::uint64_t pulses = suite.pulses / n + (k < suite.pulses % n ? 1 : 0);
        parts.push_back({job_index, static_cast<int>(k), sub_stream_seed(seed, static_cast<int>(k)), pulses});
    }
    return parts;
}

}  // namespace pixforge::tb
