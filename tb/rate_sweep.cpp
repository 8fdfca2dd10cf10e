#include "tb/rate_sweep.hpp"

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "core/typed_json.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void print_header(std::ostream& out) {
    out << fmt::format("{:>12} {:>12} {:>12} {:>8} {:>9} {:>9} {:>10}  FWHM per line, mean (eV)\n",
                       "rate in /s", "triggers /s", "results /s", "dead %", "lost busy", "lost FIFO",
                       "ToA ns");
}

void print_row(const RateSweepRun& run, std::ostream& out) {
    if (!run.summary) {
        out << fmt::format("{:>12} FAILED: {}\n", run.rate, run.failure);
        return;
    }
    const ChainSummary& s = *run.summary;
    std::string lines;
    for (const auto& l : s.lines) lines += fmt::format(" {:>10}", datasets::fitted_text(l.fwhm_eV, "{:.0f}"));
    out << fmt::format("{:>12.4g} {:>12.4g} {:>12.4g} {:>8.2f} {:>9} {:>9} {:>10} {} {:>10}\n",
                       s.input_rate_per_s, s.trigger_rate_per_s, s.output_rate_per_s, 100 * s.dead_fraction,
                       s.lost_busy, s.lost_fifo, datasets::fitted_text(s.timing.sigma_s * 1e9, "{:.3f}"),
                       lines, datasets::fitted_text(s.resolution().mean_fwhm_eV, "{:.0f}"));
    out.flush();
}

}  // namespace

json RateSweep::to_json() const {
    json runs_json = json::array();
    for (const auto& r : runs)
        runs_json.push_back(r.summary ? json{{"rate", r.rate}, {"summary", r.summary->to_json()}}
                                      : json{{"rate", r.rate}, {"error", r.failure}});
    return {{"name", name}, {"runs", runs_json}};
}

RateSweep RateSweep::from_json(const json& j, const std::string& where) {
    const TypedJson t{"SIM-008", where, "rerun the sweep"};
    if (!j.is_object()) t.refuse("", "a rate sweep object", j);
    RateSweep s;
    s.name = t.text(j, "name");
    const json runs = TypedJson::at(j, "runs");
    if (!runs.is_array()) t.refuse("runs", "an array of runs", runs);
    for (const json& r : runs) {
        if (!r.is_object()) t.refuse("runs", "an array of runs", runs);
        RateSweepRun run;
        if (!r.contains("rate") && r.contains("processor")) {  // written by earlier versions: a bare summary
            run.summary = ChainSummary::from_json(r, where);
            run.rate = fmt::format("{:.6g}/s", run.summary->input_rate_per_s);
            s.runs.push_back(std::move(run));
            continue;
        }
        if (!r.contains("rate") && r.contains("error")) {  // the same, failed
            run.failure = t.text(r, "error");
            s.runs.push_back(std::move(run));
            continue;
        }
        run.rate = t.text(r, "rate");
        if (r.contains("summary"))
            run.summary = ChainSummary::from_json(r["summary"], where + " (rate " + run.rate + ")");
        else
            run.failure = t.text(r, "error");
        s.runs.push_back(std::move(run));
    }
    return s;
}

bool RateSweep::all_ok() const {
    for (const auto& r : runs)
        if (!r.summary) return false;
    return refused.empty();
}

RateSweep run_rate_sweep(const ChainRunner& runner, ChainJob job, const std::string& name,
                         const std::vector<std::string>& rates, const fs::path& work_root,
                         std::ostream* table) {
    RateSweep sweep;
    sweep.name = name;
    if (table) print_header(*table);
    for (std::size_t i = 0; i < rates.size(); ++i) {
        job.rate = rates[i];
        const IsolatedRun c = runner.run(job, work_root / std::to_string(i));
        if (c.bad_input) {  // refused for every rate alike
            sweep.refused = c.failure;
            return sweep;
        }
        sweep.runs.push_back({rates[i], c.summary, c.failure});
        if (table) print_row(sweep.runs.back(), *table);
    }
    return sweep;
}

void check_sweep_rates(const ConfigSchema& keys, const ChainJob& job, const std::vector<std::string>& rates) {
    ChainJob at = job;
    at.rate.clear();
    at.resolved_config(keys);  // its own errors, unprefixed
    for (const std::string& rate : rates) {
        at.rate = rate;
        try {
            at.resolved_config(keys);
        } catch (const PixError& e) {
            const std::string what = e.what(), prefix = "[ERROR " + e.id() + "] ";
            throw PixError(e.id(),
                           fmt::format("--sweep rate '{}': {}", rate,
                                       what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what));
        }
    }
}

void write_rate_sweep_file(const fs::path& path, const RateSweep& sweep, const ChainJob& job,
                           const ConfigSchema& keys) {
    ChainJob base = job;
    base.rate.clear();
    const Config config = base.resolved_config(keys);
    AtomicFile target(path);
    {
        h5::Handle file = h5::create_file(target.temp().string());
        h5::write_attribute(file.id(), "schema", std::string("pixforge.chain_sweep"));
        h5::write_attribute(file.id(), "schema_version", std::int64_t{1});
        h5::write_provenance(file.id(), current_provenance(job.provenance_command), config.resolved_toml(),
                             static_cast<std::uint64_t>(config.integer("run.seed")));
        h5::Handle g = h5::create_group(file.id(), "sweep");
        write_rate_sweep(g.id(), sweep);
    }
    target.commit();
}

void write_rate_sweep(hid_t group, const RateSweep& sweep) {
    std::vector<double> in, trig, out, dead, busy, fifo, toa, mean;
    std::vector<std::vector<double>> fwhm;  // per line, per successful rate
    std::vector<std::string> failed;
    for (const auto& r : sweep.runs) {
        if (!r.summary) {
            failed.push_back(r.rate);
            continue;
        }
        const ChainSummary& s = *r.summary;
        in.push_back(s.input_rate_per_s), trig.push_back(s.trigger_rate_per_s);
        out.push_back(s.output_rate_per_s), dead.push_back(s.dead_fraction);
        busy.push_back(static_cast<double>(s.lost_busy)), fifo.push_back(static_cast<double>(s.lost_fifo));
        toa.push_back(s.timing.sigma_s * 1e9);
        mean.push_back(s.resolution().mean_fwhm_eV);
        fwhm.resize(std::max(fwhm.size(), s.lines.size()));
        for (std::size_t l = 0; l < s.lines.size(); ++l) fwhm[l].push_back(s.lines[l].fwhm_eV);
    }
    h5::write_attribute(group, "name", sweep.name);
    h5::write_vector(group, "input_rate", in, "1/s");
    h5::write_vector(group, "trigger_rate", trig, "1/s");
    h5::write_vector(group, "output_rate", out, "1/s");
    h5::write_vector(group, "dead_fraction", dead, "");
    h5::write_vector(group, "lost_busy", busy, "");
    h5::write_vector(group, "lost_fifo", fifo, "");
    h5::write_vector(group, "toa_sigma", toa, "ns");  // NaN: not fitted
    h5::write_vector(group, "mean_fwhm", mean, "eV");
    for (std::size_t l = 0; l < fwhm.size(); ++l)
        h5::write_vector(group, fmt::format("fwhm_line{}", l), fwhm[l], "eV");
    h5::write_strings(group, "failed_rates", failed);
}

}  // namespace pixforge::tb
