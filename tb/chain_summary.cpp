#include "tb/chain_summary.hpp"

#include <cmath>

#include "core/typed_json.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

using nlohmann::json;

ChainSummary ChainSummary::of(const ChainSamples& run, const ChainMetrics& m, Identity identity) {
    ChainSummary s;
    s.processor = run.processor;
    s.pulses = m.pulses, s.triggers = m.triggers, s.delivered = m.delivered;
    s.lost_busy = m.lost_busy, s.lost_fifo = m.lost_fifo, s.unmatched_triggers = m.unmatched;
    s.fifo_max_occupancy = run.fifo_max_occupancy;
    s.duration_s = run.duration_s;
    s.input_rate_per_s = m.input_rate, s.trigger_rate_per_s = m.trigger_rate;
    s.output_rate_per_s = m.output_rate, s.dead_fraction = m.dead_fraction;
    s.lines = m.lines, s.timing = m.timing, s.pileup = m.pileup;
    s.latency_mean_s = m.latency_mean_s, s.latency_min_s = m.latency_min_s;
    s.latency_max_s = m.latency_max_s, s.latency_p99_s = m.latency_p99_s;
    s.adc_samples = run.adc_samples, s.cycles_simulated = run.cycles_simulated;
    s.cycles_covered = run.cycles_covered, s.wall_s = run.wall_s;
    s.identity = std::move(identity);
    return s;
}

namespace {

enum class Kind { Exact, Fitted };  // Fitted: a figure that may be "not fitted" (null in JSON, NaN)

// Each field once, with its JSON key, for both directions (docs/chain.md lists the keys).
template <typename Line, typename Visit>
void each_line_field(Line& l, Visit&& v) {
    v("line_eV", l.line_eV, Kind::Exact), v("entries", l.entries), v("fitted", l.fitted);
    v("fwhm_eV", l.fwhm_eV, Kind::Fitted), v("fwhm_error_eV", l.fwhm_error_eV, Kind::Fitted);
    v("bias_eV", l.bias_eV, Kind::Fitted);
}

template <typename Summary, typename Visit>
void each_field(Summary& s, Visit&& v) {
    v("processor", s.processor);
    v("pulses", s.pulses), v("triggers", s.triggers), v("delivered", s.delivered);
    v("lost_busy", s.lost_busy), v("lost_fifo", s.lost_fifo), v("unmatched_triggers", s.unmatched_triggers);
    v("fifo_max_occupancy", s.fifo_max_occupancy);
    v("duration_s", s.duration_s, Kind::Exact), v("input_rate_per_s", s.input_rate_per_s, Kind::Exact);
    v("trigger_rate_per_s", s.trigger_rate_per_s, Kind::Exact);
    v("output_rate_per_s", s.output_rate_per_s, Kind::Exact),
        v("dead_fraction", s.dead_fraction, Kind::Exact);
    v("toa_fitted", s.timing.fitted), v("toa_entries", s.timing.entries);
    v("toa_sigma_s", s.timing.sigma_s, Kind::Fitted),
        v("toa_sigma_error_s", s.timing.sigma_error_s, Kind::Fitted);
    v("pileup_auc", s.pileup.auc, Kind::Fitted),
        v("pileup_tpr_at_1pct_fpr", s.pileup.tpr_at_1pct_fpr, Kind::Fitted);
    v("latency_mean_s", s.latency_mean_s, Kind::Fitted), v("latency_min_s", s.latency_min_s, Kind::Fitted);
    v("latency_max_s", s.latency_max_s, Kind::Fitted), v("latency_p99_s", s.latency_p99_s, Kind::Fitted);
    v("adc_samples", s.adc_samples), v("cycles_simulated", s.cycles_simulated);
    v("cycles_covered", s.cycles_covered), v("wall_s", s.wall_s, Kind::Exact);
}

struct Writer {
    json& j;
    template <typename T>
    void operator()(const char* key, const T& value, Kind = Kind::Exact) const {
        j[key] = value;
    }
};

struct Reader {
    const TypedJson& t;
    const json& j;
    void operator()(const char* key, std::string& v) const { v = t.text(j, key); }
    void operator()(const char* key, bool& v) const { v = t.boolean(j, key); }
    void operator()(const char* key, std::uint64_t& v) const { v = t.count(j, key); }
    void operator()(const char* key, double& v, Kind kind) const {
        v = kind == Kind::Fitted ? t.figure(j, key) : t.number(j, key);
    }
};

}  // namespace

json ChainSummary::to_json() const {
    json j = json::object();
    each_field(*this, Writer{j});
    json lines_json = json::array();
    for (const auto& l : lines) {
        json line = json::object();
        each_line_field(l, Writer{line});
        lines_json.push_back(line);
    }
    j["lines"] = lines_json;
    const datasets::LineResolution r = resolution();
    j["energy_fwhm_mean_eV"] = r.mean_fwhm_eV;  // null unless every line is fitted
    j["energy_fwhm_fitted"] = r.fitted;
    j["energy_fwhm_objective_eV"] = r.objective_eV;
    if (!identity.empty()) j["identity"] = identity;
    return j;
}

std::optional<double> ChainSummary::figure(const std::string& key) const {
    const json j = to_json();
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number()) return it->get<double>();
    if (it->is_boolean()) return it->get<bool>() ? 1.0 : 0.0;
    if (it->is_null()) return std::numeric_limits<double>::quiet_NaN();  // not fitted
    return std::nullopt;
}

std::vector<std::string> ChainSummary::figure_names() {
    std::vector<std::string> names;
    const json all = ChainSummary{}.to_json();  // items() of a temporary would dangle
    for (const auto& [key, value] : all.items())
        if (!value.is_string() && !value.is_object() && !value.is_array()) names.push_back(key);
    return names;
}

ChainSummary ChainSummary::from_json(const json& j, const std::string& where) {
    const TypedJson t{"SIM-008", where, "rerun the simulation"};
    if (!j.is_object()) t.refuse("", "a chain summary object", j);
    ChainSummary s;
    each_field(s, Reader{t, j});
    const json lines = TypedJson::at(j, "lines");
    if (!lines.is_array()) t.refuse("lines", "an array of line objects", lines);
    for (const json& l : lines) {
        if (!l.is_object()) t.refuse("lines", "an array of line objects", lines);
        datasets::EnergyLineMetrics m;
        each_line_field(m, Reader{t, l});
        s.lines.push_back(m);
    }
    if (j.contains("identity")) {
        const json& id = j["identity"];
        if (!id.is_object()) t.refuse("identity", "an object of texts", id);
        for (const auto& [k, v] : id.items()) {
            if (!v.is_string()) t.refuse("identity", "an object of texts", id);
            s.identity[k] = v.get<std::string>();
        }
    }
    return s;
}

}  // namespace pixforge::tb
