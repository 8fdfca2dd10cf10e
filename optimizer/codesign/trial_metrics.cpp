#include "optimizer/codesign/trial_metrics.hpp"

#include "core/typed_json.hpp"

#include <limits>

namespace pixforge::codesign {

using nlohmann::json;

namespace {

// Each optional field once, for both directions: a visitor gets (key, field).
template <typename Metrics, typename Visit>
void each_optional(Metrics& m, Visit&& visit) {
    visit("template", m.template_name);
    visit("retrain_of", m.retrain_of), visit("training_seed", m.training_seed);
    visit("network", m.network), visit("network_hash", m.network_hash);
    visit("macs", m.macs), visit("bops", m.bops), visit("parameter_bits", m.parameter_bits);
    visit("rtl_check_windows", m.rtl_check_windows), visit("latency_cycles", m.latency_cycles);
    visit("initiation_interval", m.initiation_interval), visit("rtl_hash", m.rtl_hash);
    visit("energy_latency_ns", m.energy_latency_ns), visit("toa_latency_ns", m.toa_latency_ns);
    visit("pileup_latency_ns", m.pileup_latency_ns);
    visit("area_um2", m.area_um2), visit("critical_path_ns", m.critical_path_ns);
    visit("worst_slack_ns", m.worst_slack_ns), visit("max_clock_MHz", m.max_clock_MHz);
    visit("power_uW", m.power_uW), visit("clock_power_uW", m.clock_power_uW);
    visit("energy_per_inference_pJ", m.energy_per_inference_pJ);
    visit("cells", m.cells), visit("flip_flops", m.flip_flops), visit("netlist", m.netlist);
    visit("adc_power_uW", m.adc_power_uW), visit("pixel_power_uW", m.pixel_power_uW);
    visit("area_over_budget_um2", m.area_over_budget_um2);
    visit("power_over_budget_uW", m.power_over_budget_uW), visit("smallest_pitch_um", m.smallest_pitch_um);
    visit("energy_fwhm_eV", m.energy_fwhm_eV), visit("energy_fwhm_fitted", m.energy_fwhm_fitted);
    visit("fwhm_per_line_eV", m.fwhm_per_line_eV), visit("toa_sigma_ns", m.toa_sigma_ns);
    visit("pileup_auc", m.pileup_auc), visit("pileup_tpr_at_1pct_fpr", m.pileup_tpr_at_1pct_fpr);
    visit("latency_ns", m.latency_ns), visit("dead_fraction", m.dead_fraction);
    visit("output_rate_per_s", m.output_rate_per_s), visit("lost_events", m.lost_events);
    visit("failed_stage", m.failed_stage), visit("error", m.error);
    visit("objectives", m.objectives), visit("constraints", m.constraints);
}

void read(const TypedJson& t, const json& j, const char* key, std::string& v) {
    v = t.text(j, key);
}
void read(const TypedJson& t, const json& j, const char* key, bool& v) {
    v = t.boolean(j, key);
}
void read(const TypedJson& t, const json& j, const char* key, double& v) {
    v = t.figure(j, key);
}
void read(const TypedJson& t, const json& j, const char* key, std::int64_t& v) {
    v = t.integer(j, key);
}
void read(const TypedJson& t, const json& j, const char* key, std::uint64_t& v) {
    v = t.count(j, key);
}
void read(const TypedJson& t, const json& j, const char* key, std::vector<double>& v) {
    v = t.numbers(j, key);
}

}  // namespace

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename T>
double value(const std::optional<T>& v) {
    return v ? static_cast<double>(*v) : kNaN;
}

}  // namespace

const std::vector<MetricColumn>& metric_columns() {
    static const std::vector<MetricColumn> columns{
        {"energy_fwhm_eV", "eV", [](const TrialMetrics& m) { return value(m.energy_fwhm_eV); }},
        {"toa_sigma_ns", "ns", [](const TrialMetrics& m) { return value(m.toa_sigma_ns); }},
        {"pileup_auc", "", [](const TrialMetrics& m) { return value(m.pileup_auc); }},
        {"pileup_tpr_at_1pct_fpr", "", [](const TrialMetrics& m) { return value(m.pileup_tpr_at_1pct_fpr); }},
        {"dead_fraction", "", [](const TrialMetrics& m) { return value(m.dead_fraction); }},
        {"latency_ns", "ns", [](const TrialMetrics& m) { return value(m.latency_ns); }},
        {"lost_events", "", [](const TrialMetrics& m) { return value(m.lost_events); }},
        {"output_rate_per_s", "1/s", [](const TrialMetrics& m) { return value(m.output_rate_per_s); }},
        {"area_um2", "um^2", [](const TrialMetrics& m) { return value(m.area_um2); }},
        {"cells", "", [](const TrialMetrics& m) { return value(m.cells); }},
        {"flip_flops", "", [](const TrialMetrics& m) { return value(m.flip_flops); }},
        {"critical_path_ns", "ns", [](const TrialMetrics& m) { return value(m.critical_path_ns); }},
        {"worst_slack_ns", "ns", [](const TrialMetrics& m) { return value(m.worst_slack_ns); }},
        {"max_clock_MHz", "MHz", [](const TrialMetrics& m) { return value(m.max_clock_MHz); }},
        {"power_uW", "uW", [](const TrialMetrics& m) { return value(m.power_uW); }},
        {"adc_power_uW", "uW", [](const TrialMetrics& m) { return value(m.adc_power_uW); }},
        {"pixel_power_uW", "uW", [](const TrialMetrics& m) { return value(m.pixel_power_uW); }},
        {"smallest_pitch_um", "um", [](const TrialMetrics& m) { return value(m.smallest_pitch_um); }},
        {"area_over_budget_um2", "um^2", [](const TrialMetrics& m) { return value(m.area_over_budget_um2); }},
        {"power_over_budget_uW", "uW", [](const TrialMetrics& m) { return value(m.power_over_budget_uW); }},
        {"clock_power_uW", "uW", [](const TrialMetrics& m) { return value(m.clock_power_uW); }},
        {"energy_per_inference_pJ", "pJ",
         [](const TrialMetrics& m) { return value(m.energy_per_inference_pJ); }},
        {"macs", "", [](const TrialMetrics& m) { return value(m.macs); }},
        {"bops", "", [](const TrialMetrics& m) { return value(m.bops); }},
        {"parameter_bits", "", [](const TrialMetrics& m) { return value(m.parameter_bits); }},
        {"latency_cycles", "cycles", [](const TrialMetrics& m) { return value(m.latency_cycles); }},
        {"energy_latency_ns", "ns", [](const TrialMetrics& m) { return value(m.energy_latency_ns); }},
        {"toa_latency_ns", "ns", [](const TrialMetrics& m) { return value(m.toa_latency_ns); }},
        {"pileup_latency_ns", "ns", [](const TrialMetrics& m) { return value(m.pileup_latency_ns); }}};
    return columns;
}

double TrialMetrics::figure(const std::string& name) const {
    for (const MetricColumn& c : metric_columns())
        if (name == c.key) return c.of(*this);
    return kNaN;
}

bool TrialMetrics::feasible() const {
    if (!finished()) return false;
    for (double c : *constraints)
        if (!(c <= 0)) return false;
    return true;
}

json TrialMetrics::to_json() const {
    json j{{"id", id}, {"design", design}, {"seconds", seconds}};
    each_optional(*this, [&](const char* key, const auto& field) {
        if (field) j[key] = *field;
    });
    return j;
}

TrialMetrics TrialMetrics::from_json(const json& j, const std::string& where) {
    const TypedJson t{"STUDY-011", where, "rerun the study in a new folder"};
    if (!j.is_object()) t.refuse("", "the metrics object of a trial", j);
    TrialMetrics m;
    m.id = t.integer(j, "id");
    m.design = t.text(j, "design");
    each_optional(m, [&](const char* key, auto& field) {
        if (!j.contains(key)) return;
        typename std::decay_t<decltype(field)>::value_type value{};
        read(t, j, key, value);
        field = std::move(value);
    });
    if (j.contains("seconds")) {
        if (!j["seconds"].is_object()) t.refuse("seconds", "an object of stage times", j["seconds"]);
        for (const auto& [stage, s] : j["seconds"].items())
            m.seconds[stage] = t.number(j["seconds"], stage.c_str());
    }
    return m;
}

}  // namespace pixforge::codesign
