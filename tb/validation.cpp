#include "tb/validation.hpp"

#include <algorithm>

#include <unistd.h>

#include <fmt/format.h>

#include "core/config.hpp"
#include "datasets/metrics.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/pixel_budget.hpp"
#include "rtl_gen/reference_check.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "tb/candidate_dir.hpp"
#include "tb/chain_job.hpp"
#include "tb/golden_figures.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;

bool ValidationReport::passed() const {
    for (const auto& c : checks)
        if (!c.pass) return false;
    return true;
}

std::vector<std::string> validation_figures() {
    return {"area_um2", "power_uW", "critical_path_ns", "energy_fwhm_eV_at_max_rate", "latency_ns"};
}

namespace {

// Each network alone under stress: RTL = integer reference and gate level = RTL, on realistic
// windows from the scenario's stream offered back to back (one per initiation interval). `which`
// names the network in a block of several.
void check_equivalence(const LoadedCandidate& c, const models::PixelChain& chain, const Config& config, int n,
                       rtl::PpaEvaluator& ppa, const std::string& which,
                       std::vector<ValidationCheck>& checks) {
    rtl::Stimuli stimuli = rtl::stream_stimuli(chain, c.rtl.samples, n, config.real("synthesis.clock_period"),
                                               chain.params().seed + 17);
    for (int i = 0; i < n; ++i)
        stimuli.windows[static_cast<size_t>(i)].ready_cycle =
            2 + static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(c.rtl.timing.initiation_interval);
    std::vector<std::uint16_t> flat;
    for (const auto& w : stimuli.windows) flat.insert(flat.end(), w.samples.begin(), w.samples.end());
    rtl::VerilatedNetwork rtl_model(c.library);
    const rtl::ReferenceCheck r = rtl::check_against_reference(rtl_model, c.network, flat.data(),
                                                               stimuli.windows.size(), c.rtl.samples);
    checks.push_back({"RTL = integer reference" + which, r.equal(),
                      fmt::format("{} windows, {} differing words", n, r.differing_words)});
    const rtl::PpaResult eq = ppa.evaluate(c.network, c.hardware, stimuli);
    checks.push_back(
        {"gate level = RTL" + which, eq.ok && eq.gate_equals_rtl,
         eq.ok ? fmt::format("{} cycles, {} mismatching", eq.simulated_cycles, eq.output_mismatches)
               : eq.error});
}

// Timing and budgets of the pixel's whole block (trigger, history, capture, network) from PPA at
// the scenario's own rate; its gate level must equal its RTL on every port every cycle.
void check_ppa(const std::vector<rtl::PixelCore>& cores, const models::PixelChain& chain,
               const Config& config, rtl::PpaEvaluator& ppa, ValidationReport& report) {
    const auto& so = ppa.options();
    const rtl::PpaResult p = ppa.evaluate_pixel_in_chain(cores, chain);
    report.checks.push_back(
        {"pixel block gate = RTL", p.ok && p.gate_equals_rtl,
         p.ok ? fmt::format("{} cycles, {} mismatching", p.simulated_cycles, p.output_mismatches) : p.error});
    const double margin = config.real("validate.timing_margin");
    report.checks.push_back(
        {"timing", p.ok && p.worst_slack_s >= margin * so.clock_period_s,
         fmt::format("worst slack {:.3f} ns at {:.3f} ns, required >= {:.3f} ns ({:.0f} % margin)",
                     p.worst_slack_s * 1e9, so.clock_period_s * 1e9, margin * so.clock_period_s * 1e9,
                     100 * margin)});
    // The pixel's budget ([pixel]): digital area within its share of pitch^2; front end + ADC +
    // this block within power density x pitch^2.
    const models::PixelBudget budget = models::PixelBudget::from_config(config);
    const models::PixelFit fit = models::fit_pixel(budget, chain.params().adc, p.area_um2, p.total_W);
    report.checks.push_back(
        {"area budget", p.ok && fit.area_over_um2 <= 0,
         fmt::format("{:.0f} um^2 of {:.0f} ({:.0f} % of a {:.0f} um pixel)", p.area_um2,
                     budget.digital_area_um2(), 100 * budget.digital_fraction, budget.pitch_m * 1e6)});
    report.checks.push_back(
        {"power budget", p.ok && fit.power_over_W <= 0,
         fmt::format("{:.1f} uW of {:.1f} at {:.3g}/s (front end {:.1f} + ADC {:.1f} + digital {:.1f} uW)",
                     fit.pixel_W() * 1e6, budget.power_W() * 1e6, chain.params().rate_per_s,
                     fit.frontend_W * 1e6, fit.adc_W * 1e6, fit.digital_W * 1e6)});
    report.figures["smallest_pitch_um"] = fit.smallest_pitch_m * 1e6;
    report.figures["pixel_power_uW"] = fit.pixel_W() * 1e6;
    report.figures["area_um2"] = p.area_um2, report.figures["power_uW"] = p.total_W * 1e6,
    report.figures["critical_path_ns"] = p.critical_path_s * 1e9;
}

// The full chain at the maximum specified rate, with this very config.
ChainJob max_rate_job(const ValidationRequest& q, const fs::path& cache, const Config& config) {
    ChainJob job;
    job.config = q.config;
    job.overrides = q.overrides;
    job.candidate = q.candidate;
    job.pixel_block = true;  // the Verilated block takes every ADC code, as on the chip
    job.cache = cache;
    job.pulses = q.pulses;
    job.rate = fmt::format("{:.6g}/s", config.real("validate.max_rate"));
    job.provenance_command = "pixforge validate";
    return job;
}

fs::path work_folder() {
    return fs::temp_directory_path() / fmt::format("pixforge-validate-{}", ::getpid());
}

// The max-rate chain, isolated.
void check_max_rate(const ValidationRequest& q, const fs::path& cache, const Config& config,
                    ValidationReport& report) {
    const ChainJob job = max_rate_job(q, cache, config);
    const fs::path work = work_folder();
    const IsolatedRun r = ChainRunner(q.executable, q.chain_timeout_s).run(job, work);
    if (r.ok) {
        const ChainSummary& s = *r.summary;
        report.checks.push_back(
            {"no loss at max rate", s.lost_events() == 0,
             fmt::format("{} lost of {} triggers at {}", s.lost_events(), s.triggers, job.rate)});
        report.figures["energy_fwhm_eV_at_max_rate"] = s.resolution().mean_fwhm_eV;  // the one rule
        report.figures["latency_ns"] = s.latency_mean_s * 1e9;
        fs::remove_all(work);
    } else {
        report.checks.push_back({"no loss at max rate", false, "the chain run failed: " + r.failure});
    }
}

}  // namespace

ValidationReport validate_candidate(const ConfigSchema& keys, const ValidationRequest& q) {
    const Config config = Config::load(keys, q.config, q.overrides);
    const nlohmann::json golden =
        q.golden.empty() ? nlohmann::json() : load_golden(q.golden, validation_figures());
    const fs::path cache = rtl::VerilatedLibraryBuilder::cache_or_default(q.cache);
    const models::PixelChain chain(models::chain_params_from(config));
    // One network, or several sharing the pixel block (core0/, core1/, ...).
    const std::vector<LoadedCandidate> cores = load_candidate_cores(q.candidate, cache, chain.params());
    ValidationReport report;
    report.candidate = q.candidate.string();
    std::vector<models::QuantizedNetwork> nets;
    for (const LoadedCandidate& c : cores) nets.push_back(c.network);
    report.network = models::describe_networks(nets);
    report.template_name = rtl::cores_template_name(pixel_cores(cores));
    rtl::PpaEvaluator ppa(rtl::SynthesisOptions::from_config(config), cache);
    for (std::size_t k = 0; k < cores.size(); ++k)
        check_equivalence(cores[k], chain, config, q.vectors, ppa,
                          cores.size() == 1 ? std::string() : fmt::format(" (network {})", k), report.checks);
    check_ppa(pixel_cores(cores), chain, config, ppa, report);
    check_max_rate(q, cache, config, report);
    if (!golden.is_null()) {
        const RegressionResult reg =
            compare_to_golden(golden, report.figures, config.real("validate.regression_tolerance"), q.golden);
        report.checks.push_back({"regression", reg.pass, reg.detail});
    }
    const bool chain_failed =
        std::any_of(report.checks.begin(), report.checks.end(), [](const ValidationCheck& k) {
            return !k.pass && (k.name == "no loss at max rate" || k.name == "regression");
        });
    if (chain_failed && !q.waves.empty()) {  // the same max-rate stream again, its events dumped
        ChainJob job = max_rate_job(q, cache, config);
        job.waves = q.waves;
        job.dump_events = q.dump_events;
        const IsolatedRun r = ChainRunner(q.executable, q.chain_timeout_s).run(job, work_folder());
        report.waves = r.ok ? fmt::format("{} (results {} of the max-rate run, {})", q.waves.string(),
                                          r.summary->identity.at("wave_events"), q.dump_events)
                            : "none: " + r.failure.substr(0, 400);
        if (r.ok) fs::remove_all(work_folder());
    }
    return report;
}

void print_validation(const ValidationReport& r, std::ostream& out) {
    out << fmt::format("Pre-tapeout validation of {} ({}, {})\n", r.candidate, r.network, r.template_name);
    if (r.figures.contains("energy_fwhm_eV_at_max_rate")) {
        const auto& f = r.figures["energy_fwhm_eV_at_max_rate"];
        out << fmt::format(
            "  energy FWHM at max rate: {} (mean over lines)\n",
            datasets::fitted_text(f.is_number() ? f.get<double>() : datasets::kNotFitted, "{:.0f} eV"));
    }
    for (const auto& k : r.checks)
        out << fmt::format("  {:<26} {}  {}\n", k.name, k.pass ? "PASS" : "FAIL", k.detail);
    if (!r.waves.empty()) out << "  waveforms of the failing chain checks: " << r.waves << "\n";
    out << (r.passed() ? "ALL CHECKS PASSED\n" : "VALIDATION FAILED\n");
}

// [validate]: the checks validate_candidate applies.
void declare_validate_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(real("validate.timing_margin", Dimension::Dimensionless, "0.1", 0, 0.99,
               "pixforge validate: required worst slack, as a fraction of the clock period"));
    s.add(real("validate.max_rate", Dimension::Rate, "\"1e6/s\"", 1, 1e10,
               "pixforge validate: the maximum specified photon rate, which must run without loss"));
    s.add(real("validate.regression_tolerance", Dimension::Dimensionless, "0.05", 0, 10,
               "pixforge validate --golden: allowed relative change of each figure"));
}

}  // namespace pixforge::tb
