#include "optimizer/codesign/trial_metrics.hpp"

#include "core/typed_json.hpp"

namespace pixforge::codesign {

using nlohmann::json;

namespace {

// Each optional field once, for both directions: a visitor gets (key, field).
template <typename Metrics, typename Visit>
void each_optional(Metrics& m, Visit&& visit) {
    visit("template", m.template_name);
    visit("network", m.network), visit("network_hash", m.network_hash);
    visit("macs", m.macs), visit("bops", m.bops), visit("parameter_bits", m.parameter_bits);
    visit("rtl_check_windows", m.rtl_check_windows), visit("latency_cycles", m.latency_cycles);
    visit("initiation_interval", m.initiation_interval), visit("rtl_hash", m.rtl_hash);
    visit("area_um2", m.area_um2), visit("critical_path_ns", m.critical_path_ns);
    visit("worst_slack_ns", m.worst_slack_ns), visit("max_clock_MHz", m.max_clock_MHz);
    visit("power_uW", m.power_uW), visit("clock_power_uW", m.clock_power_uW);
    visit("energy_per_inference_pJ", m.energy_per_inference_pJ);
    visit("cells", m.cells), visit("flip_flops", m.flip_flops), visit("netlist", m.netlist);
    visit("energy_fwhm_eV", m.energy_fwhm_eV), visit("energy_fwhm_fitted", m.energy_fwhm_fitted);
    visit("fwhm_per_line_eV", m.fwhm_per_line_eV), visit("toa_sigma_ns", m.toa_sigma_ns);
    visit("pileup_auc", m.pileup_auc), visit("latency_ns", m.latency_ns);
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
