#include "tb/chain_report.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/h5.hpp"

namespace pixforge::tb {

namespace {

nlohmann::json summary(const ChainRun& run, const ChainMetrics& m) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : m.lines)
        lines.push_back({{"line_eV", l.line_eV},
                         {"entries", l.entries},
                         {"fitted", l.fitted},
                         {"fwhm_eV", l.fwhm_eV},
                         {"fwhm_error_eV", l.fwhm_error_eV},
                         {"bias_eV", l.bias_eV}});
    const datasets::LineResolution resolution = datasets::line_resolution(m.lines);
    return {{"processor", run.processor},
            {"pulses", m.pulses},
            {"triggers", m.triggers},
            {"delivered", m.delivered},
            {"lost_busy", m.lost_busy},
            {"lost_fifo", m.lost_fifo},
            {"unmatched_triggers", m.unmatched},
            {"duration_s", run.duration_s},
            {"input_rate_per_s", m.input_rate},
            {"trigger_rate_per_s", m.trigger_rate},
            {"output_rate_per_s", m.output_rate},
            {"dead_fraction", m.dead_fraction},
            {"fifo_max_occupancy", run.fifo_max_occupancy},
            {"lines", lines},
            {"energy_fwhm_mean_eV", resolution.mean_fwhm_eV},  // null unless every line is fitted
            {"energy_fwhm_fitted", resolution.fitted},
            {"energy_fwhm_objective_eV", resolution.objective_eV},
            {"toa_fitted", m.timing.fitted},
            {"toa_sigma_s", m.timing.sigma_s},
            {"toa_sigma_error_s", m.timing.sigma_error_s},
            {"toa_entries", m.timing.entries},
            {"pileup_auc", m.pileup.auc},
            {"pileup_tpr_at_1pct_fpr", m.pileup.tpr_at_1pct_fpr},
            {"latency_mean_s", m.latency_mean_s},
            {"latency_min_s", m.latency_min_s},
            {"latency_max_s", m.latency_max_s},
            {"latency_p99_s", m.latency_p99_s},
            {"adc_samples", run.adc_samples},
            {"cycles_simulated", run.cycles_simulated},
            {"cycles_covered", run.cycles_covered},
            {"wall_s", run.wall_s}};
}

}  // namespace

std::string chain_json(const ChainRun& run, const ChainMetrics& m, const Identity& identity) {
    nlohmann::json j = summary(run, m);
    j["identity"] = identity;
    return j.dump(2);
}

void print_chain_summary(const ChainRun& run, const ChainMetrics& m, std::ostream& out) {
    out << fmt::format(
        "Full chain with {}: {} pulses over {:.3f} ms ({:.3g}/s in), {} triggers, {} results delivered "
        "({:.3g}/s out)\n",
        run.processor, m.pulses, run.duration_s * 1e3, m.input_rate, m.triggers, m.delivered, m.output_rate);
    out << fmt::format(
        "  dead time {:.2f} %, lost: {} processor busy, {} FIFO full (max occupancy {}), {} triggers "
        "without a pulse\n",
        100 * m.dead_fraction, m.lost_busy, m.lost_fifo, run.fifo_max_occupancy, m.unmatched);
    out << "  energy FWHM per line:";
    for (const auto& l : m.lines)
        out << fmt::format(
            "  {:.2f} keV: {}", l.line_eV * 1e-3,
            l.fitted ? fmt::format("{:.0f}+-{:.0f} eV ({:+.0f})", l.fwhm_eV, l.fwhm_error_eV, l.bias_eV)
                     : std::string("not fitted"));
    out << fmt::format("; mean {}",
                       datasets::fitted_text(datasets::line_resolution(m.lines).mean_fwhm_eV, "{:.0f} eV"));
    out << fmt::format("\n  ToA sigma {} ({} single pulses); pile-up AUC {:.3f}, TPR {:.1f} % at 1 % FPR\n",
                       m.timing.fitted ? fmt::format("{:.3f}+-{:.3f} ns", m.timing.sigma_s * 1e9,
                                                     m.timing.sigma_error_s * 1e9)
                                       : std::string("not fitted"),
                       m.timing.entries, m.pileup.auc, 100 * m.pileup.tpr_at_1pct_fpr);
    out << fmt::format("  latency trigger -> result: mean {:.1f} ns, min {:.1f}, p99 {:.1f}, max {:.1f}\n",
                       m.latency_mean_s * 1e9, m.latency_min_s * 1e9, m.latency_p99_s * 1e9,
                       m.latency_max_s * 1e9);
    out << fmt::format(
        "  simulation: {:.2f} s wall, {:.3g} pulses/s, {} ADC samples, {} of {} digital cycles simulated "
        "({:.3g} cycles/s)\n",
        run.wall_s, static_cast<double>(m.pulses) / run.wall_s, run.adc_samples, run.cycles_simulated,
        run.cycles_covered, static_cast<double>(run.cycles_simulated) / run.wall_s);
}

void write_chain_report(const std::string& path, const ChainRun& run, const ChainMetrics& m,
                        const Identity& identity, const Provenance& provenance,
                        const std::string& resolved_config, std::uint64_t seed) {
    const std::string partial = path + ".partial";
    {
        h5::Handle file = h5::create_file(partial);
        h5::write_attribute(file.id(), "schema", std::string("pixforge.chain_report"));
        h5::write_attribute(file.id(), "schema_version", std::int64_t{1});
        h5::write_provenance(file.id(), provenance, resolved_config, seed);
        h5::Handle id = h5::create_group(file.id(), "processor");
        for (const auto& [k, v] : identity) h5::write_attribute(id.id(), k, v);

        h5::Handle ev = h5::create_group(file.id(), "events");
        const size_t n = run.results.size();
        std::vector<double> start(n), trigger(n), accepted(n), result(n), delivered(n), energy(n), toa(n),
            score(n), latency(n), true_energy(n), true_collected(n), true_t0(n);
        std::vector<std::int64_t> line(n), pileup(n), npulses(n), primary(n);
        for (size_t i = 0; i < n; ++i) {
            const auto& r = run.results[i];
            const auto& e = m.events[i];
            start[i] = r.start_s * 1e9, trigger[i] = r.trigger_s * 1e9, accepted[i] = r.accepted_s * 1e9;
            result[i] = r.result_s * 1e9, delivered[i] = r.delivered_s * 1e9;
            energy[i] = r.estimate.energy_eV * 1e-3, toa[i] = r.estimate.time_s * 1e9,
            score[i] = r.estimate.pileup_score;
            latency[i] = e.latency_s * 1e9;
            primary[i] = e.primary, pileup[i] = e.pileup, npulses[i] = e.n_pulses;
            if (e.primary >= 0) {
                const auto& t = run.truth[static_cast<size_t>(e.primary)];
                true_energy[i] = t.energy_eV * 1e-3, true_collected[i] = t.collected_eV * 1e-3;
                true_t0[i] = t.t0_s * 1e9, line[i] = t.line_index;
            } else {
                true_energy[i] = true_collected[i] = true_t0[i] = NAN, line[i] = -1;
            }
        }
        h5::write_vector(ev.id(), "window_start", start, "ns");
        h5::write_vector(ev.id(), "trigger_time", trigger, "ns");
        h5::write_vector(ev.id(), "accepted_time", accepted, "ns");
        h5::write_vector(ev.id(), "result_time", result, "ns");
        h5::write_vector(ev.id(), "delivered_time", delivered, "ns");
        h5::write_vector(ev.id(), "latency", latency, "ns");
        h5::write_vector(ev.id(), "energy", energy, "keV");
        h5::write_vector(ev.id(), "toa", toa, "ns");
        h5::write_vector(ev.id(), "pileup_score", score, "");
        h5::write_vector(ev.id(), "true_energy", true_energy, "keV");
        h5::write_vector(ev.id(), "true_collected", true_collected, "keV");
        h5::write_vector(ev.id(), "true_t0", true_t0, "ns");
        h5::write_vector(ev.id(), "line_index", line, "");
        h5::write_vector(ev.id(), "pileup", pileup, "");
        h5::write_vector(ev.id(), "n_pulses", npulses, "");
        h5::write_vector(ev.id(), "primary", primary, "");

        // Histograms: the measured energy spectrum (100 eV bins) and the latency (1 ns bins).
        h5::Handle hist = h5::create_group(file.id(), "histograms");
        double emax = 1;
        for (double l : m.lines_eV) emax = std::max(emax, 1.3 * l * 1e-3);
        std::vector<double> spectrum(static_cast<size_t>(std::ceil(emax / 0.1)), 0.0), edges;
        for (size_t b = 0; b <= spectrum.size(); ++b) edges.push_back(0.1 * static_cast<double>(b));
        for (double e : energy)
            if (e >= 0 && e < emax) spectrum[static_cast<size_t>(e / 0.1)] += 1;
        h5::write_vector(hist.id(), "energy_counts", spectrum, "");
        h5::write_vector(hist.id(), "energy_edges", edges, "keV");
        const double lmax = std::max(1.0, std::ceil(m.latency_max_s * 1e9) + 1);
        std::vector<double> lat(static_cast<size_t>(lmax), 0.0), ledges;
        for (size_t b = 0; b <= lat.size(); ++b) ledges.push_back(static_cast<double>(b));
        for (double l : latency)
            if (l >= 0 && l < lmax) lat[static_cast<size_t>(l)] += 1;
        h5::write_vector(hist.id(), "latency_counts", lat, "");
        h5::write_vector(hist.id(), "latency_edges", ledges, "ns");

        h5::Handle s = h5::create_group(file.id(), "summary");
        const nlohmann::json numbers = summary(run, m);
        h5::write_attribute(s.id(), "json", numbers.dump());
        std::vector<double> fwhm, fwhm_err, bias;
        for (const auto& l : m.lines)
            fwhm.push_back(l.fwhm_eV), fwhm_err.push_back(l.fwhm_error_eV), bias.push_back(l.bias_eV);
        h5::write_vector(s.id(), "line_energy", m.lines_eV, "eV");
        h5::write_vector(s.id(), "fwhm", fwhm, "eV");
        h5::write_vector(s.id(), "fwhm_error", fwhm_err, "eV");
        h5::write_vector(s.id(), "bias", bias, "eV");
        for (const auto& [k, v] : numbers.items())  // a figure that is not fitted stays NaN here
            if (v.is_number()) h5::write_attribute(s.id(), k, v.get<double>());
    }
    std::filesystem::rename(partial, path);
}

}  // namespace pixforge::tb
