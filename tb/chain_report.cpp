#include "tb/chain_report.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/h5.hpp"

namespace pixforge::tb {

void write_chain_histograms(hid_t parent, const std::vector<double>& energies_keV,
                            const std::vector<double>& latencies_ns, const std::vector<double>& lines_eV) {
    h5::Handle hist = h5::create_group(parent, "histograms");
    double emax = 1;
    for (double l : lines_eV) emax = std::max(emax, 1.3 * l * 1e-3);
    std::vector<double> spectrum(static_cast<size_t>(std::ceil(emax / 0.1)), 0.0), edges;
    for (size_t b = 0; b <= spectrum.size(); ++b) edges.push_back(0.1 * static_cast<double>(b));
    for (double e : energies_keV)
        if (e >= 0 && e < emax) spectrum[static_cast<size_t>(e / 0.1)] += 1;
    h5::write_vector(hist.id(), "energy_counts", spectrum, "");
    h5::write_vector(hist.id(), "energy_edges", edges, "keV");
    double latency_max = 0;
    for (double l : latencies_ns) latency_max = std::max(latency_max, l);
    const double lmax = std::max(1.0, std::ceil(latency_max) + 1);
    std::vector<double> lat(static_cast<size_t>(lmax), 0.0), ledges;
    for (size_t b = 0; b <= lat.size(); ++b) ledges.push_back(static_cast<double>(b));
    for (double l : latencies_ns)
        if (l >= 0 && l < lmax) lat[static_cast<size_t>(l)] += 1;
    h5::write_vector(hist.id(), "latency_counts", lat, "");
    h5::write_vector(hist.id(), "latency_edges", ledges, "ns");
}

void write_chain_report(const std::string& path, const ChainRun& run, const ChainMetrics& m,
                        const ChainSummary& summary, const Provenance& provenance,
                        const std::string& resolved_config, std::uint64_t seed) {
    AtomicFile target(path);
    {
        h5::Handle file = h5::create_file(target.temp().string());
        h5::write_attribute(file.id(), "schema", std::string("pixforge.chain_report"));
        h5::write_attribute(file.id(), "schema_version", std::int64_t{1});
        h5::write_provenance(file.id(), provenance, resolved_config, seed);
        h5::Handle id = h5::create_group(file.id(), "processor");
        for (const auto& [k, v] : summary.identity) h5::write_attribute(id.id(), k, v);

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

        write_chain_histograms(file.id(), energy, latency, m.lines_eV);

        h5::Handle s = h5::create_group(file.id(), "summary");
        nlohmann::json numbers = summary.to_json();
        numbers.erase("identity");
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
    target.commit();
}

}  // namespace pixforge::tb
