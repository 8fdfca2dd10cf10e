#include "tb/chain_summary.hpp"

#include "core/typed_json.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

using nlohmann::json;

ChainSummary ChainSummary::of(const ChainRun& run, const ChainMetrics& m, Identity identity) {
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

json ChainSummary::to_json() const {
    json lines_json = json::array();
    for (const auto& l : lines)
        lines_json.push_back({{"line_eV", l.line_eV},
                              {"entries", l.entries},
                              {"fitted", l.fitted},
                              {"fwhm_eV", l.fwhm_eV},
                              {"fwhm_error_eV", l.fwhm_error_eV},
                              {"bias_eV", l.bias_eV}});
    const datasets::LineResolution r = resolution();
    json j{{"processor", processor},
           {"pulses", pulses},
           {"triggers", triggers},
           {"delivered", delivered},
           {"lost_busy", lost_busy},
           {"lost_fifo", lost_fifo},
           {"unmatched_triggers", unmatched_triggers},
           {"duration_s", duration_s},
           {"input_rate_per_s", input_rate_per_s},
           {"trigger_rate_per_s", trigger_rate_per_s},
           {"output_rate_per_s", output_rate_per_s},
           {"dead_fraction", dead_fraction},
           {"fifo_max_occupancy", fifo_max_occupancy},
           {"lines", lines_json},
           {"energy_fwhm_mean_eV", r.mean_fwhm_eV},  // null unless every line is fitted
           {"energy_fwhm_fitted", r.fitted},
           {"energy_fwhm_objective_eV", r.objective_eV},
           {"toa_fitted", timing.fitted},
           {"toa_sigma_s", timing.sigma_s},
           {"toa_sigma_error_s", timing.sigma_error_s},
           {"toa_entries", timing.entries},
           {"pileup_auc", pileup.auc},
           {"pileup_tpr_at_1pct_fpr", pileup.tpr_at_1pct_fpr},
           {"latency_mean_s", latency_mean_s},
           {"latency_min_s", latency_min_s},
           {"latency_max_s", latency_max_s},
           {"latency_p99_s", latency_p99_s},
           {"adc_samples", adc_samples},
           {"cycles_simulated", cycles_simulated},
           {"cycles_covered", cycles_covered},
           {"wall_s", wall_s}};
    if (!identity.empty()) j["identity"] = identity;
    return j;
}

ChainSummary ChainSummary::from_json(const json& j, const std::string& where) {
    const TypedJson t{"SIM-008", where, "rerun the simulation"};
    if (!j.is_object()) t.refuse("", "a chain summary object", j);
    ChainSummary s;
    s.processor = t.text(j, "processor");
    s.pulses = t.count(j, "pulses"), s.triggers = t.count(j, "triggers");
    s.delivered = t.count(j, "delivered"), s.lost_busy = t.count(j, "lost_busy");
    s.lost_fifo = t.count(j, "lost_fifo"), s.unmatched_triggers = t.count(j, "unmatched_triggers");
    s.fifo_max_occupancy = t.count(j, "fifo_max_occupancy");
    s.duration_s = t.number(j, "duration_s");
    s.input_rate_per_s = t.number(j, "input_rate_per_s");
    s.trigger_rate_per_s = t.number(j, "trigger_rate_per_s");
    s.output_rate_per_s = t.number(j, "output_rate_per_s");
    s.dead_fraction = t.number(j, "dead_fraction");
    const json lines = TypedJson::at(j, "lines");
    if (!lines.is_array()) t.refuse("lines", "an array of line objects", lines);
    for (const json& l : lines) {
        if (!l.is_object()) t.refuse("lines", "an array of line objects", lines);
        datasets::EnergyLineMetrics m;
        m.line_eV = t.number(l, "line_eV");
        m.entries = t.count(l, "entries");
        m.fitted = t.boolean(l, "fitted");
        m.fwhm_eV = t.figure(l, "fwhm_eV");
        m.fwhm_error_eV = t.figure(l, "fwhm_error_eV");
        m.bias_eV = t.figure(l, "bias_eV");
        s.lines.push_back(m);
    }
    s.timing.fitted = t.boolean(j, "toa_fitted");
    s.timing.sigma_s = t.figure(j, "toa_sigma_s");
    s.timing.sigma_error_s = t.figure(j, "toa_sigma_error_s");
    s.timing.entries = t.count(j, "toa_entries");
    s.pileup.auc = t.figure(j, "pileup_auc");
    s.pileup.tpr_at_1pct_fpr = t.figure(j, "pileup_tpr_at_1pct_fpr");
    s.latency_mean_s = t.figure(j, "latency_mean_s"), s.latency_min_s = t.figure(j, "latency_min_s");
    s.latency_max_s = t.figure(j, "latency_max_s"), s.latency_p99_s = t.figure(j, "latency_p99_s");
    s.adc_samples = t.count(j, "adc_samples"), s.cycles_simulated = t.count(j, "cycles_simulated");
    s.cycles_covered = t.count(j, "cycles_covered");
    s.wall_s = t.number(j, "wall_s");
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
