#include "tb/regression_report.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/h5.hpp"
#include "core/provenance.hpp"
#include "tb/chain_report.hpp"

namespace pixforge::tb {

namespace {

// The figures of the tables, NaN when not fitted or not complete.
struct Figures {
    double fwhm_eV = NAN, toa_sigma_ns = NAN, auc = NAN, output_rate = NAN, dead_fraction = NAN, lost = NAN;
    double pulses = 0;
};

Figures figures_of(const PooledRuns& p) {
    Figures f;
    f.pulses = static_cast<double>(p.samples.pulses);
    if (!p.summary) return f;
    const ChainSummary& s = *p.summary;
    f.fwhm_eV = s.resolution().mean_fwhm_eV;
    f.toa_sigma_ns = s.timing.fitted ? s.timing.sigma_s * 1e9 : NAN;
    f.auc = s.pileup.auc;
    f.output_rate = s.output_rate_per_s, f.dead_fraction = s.dead_fraction;
    f.lost = static_cast<double>(s.lost_events());
    return f;
}

// One table of columns (design, scenario, rate, figures) for `pooled`, and one group per entry.
struct Table {
    std::vector<std::string> design, scenario, rate;
    std::vector<std::int64_t> complete, passed, seed;
    std::vector<double> pulses, fwhm, toa, auc, out_rate, dead, lost;

    void add(const RegressionSuite& suite, std::size_t d, std::size_t s, const std::string& r,
             const PooledRuns& p, bool pass, std::int64_t seed_or_count) {
        design.push_back(suite.designs[d].name), scenario.push_back(suite.scenarios[s].name),
            rate.push_back(r);
        complete.push_back(p.complete), passed.push_back(pass), seed.push_back(seed_or_count);
        const Figures f = figures_of(p);
        pulses.push_back(f.pulses), fwhm.push_back(f.fwhm_eV), toa.push_back(f.toa_sigma_ns);
        auc.push_back(f.auc), out_rate.push_back(f.output_rate), dead.push_back(f.dead_fraction);
        lost.push_back(f.lost);
    }
    void write(hid_t group, const char* seed_column) const {
        h5::write_strings(group, "design", design);
        h5::write_strings(group, "scenario", scenario);
        h5::write_strings(group, "rate", rate);
        h5::write_vector(group, seed_column, seed, "");
        h5::write_vector(group, "complete", complete, "");
        h5::write_vector(group, "passed", passed, "");
        h5::write_vector(group, "pulses", pulses, "");
        h5::write_vector(group, "energy_fwhm_mean", fwhm, "eV");
        h5::write_vector(group, "toa_sigma", toa, "ns");
        h5::write_vector(group, "pileup_auc", auc, "");
        h5::write_vector(group, "output_rate", out_rate, "1/s");
        h5::write_vector(group, "dead_fraction", dead, "");
        h5::write_vector(group, "lost_events", lost, "");
    }
};

void write_pooled(hid_t group, const PooledRuns& p) {
    h5::write_attribute(group, "complete", std::int64_t{p.complete});
    h5::write_strings(group, "failures", p.failures);
    if (p.summary) {
        h5::write_attribute(group, "summary", p.summary->to_json().dump());
        for (const auto& [k, v] : p.summary->identity) h5::write_attribute(group, "identity_" + k, v);
    }
    std::vector<double> energies_keV, latencies_ns;
    for (double e : p.samples.energies_eV) energies_keV.push_back(e * 1e-3);
    for (double l : p.samples.latencies_s) latencies_ns.push_back(l * 1e9);
    write_chain_histograms(group, energies_keV, latencies_ns, p.samples.lines_eV);
}

}  // namespace

void write_regression_report(const std::filesystem::path& path, const RegressionSuite& suite,
                             const RegressionResults& results, const std::string& command_line) {
    AtomicFile target(path);
    {
        h5::Handle file = h5::create_file(target.temp().string());
        h5::write_attribute(file.id(), "schema", std::string("pixforge.regression"));
        h5::write_attribute(file.id(), "schema_version", std::int64_t{1});
        h5::write_provenance(file.id(), current_provenance(command_line), suite.text, suite.seeds.front());
        h5::write_attribute(file.id(), "suite", suite.name);
        h5::write_attribute(file.id(), "suite_file", suite.file.string());
        h5::write_attribute(file.id(), "passed", std::int64_t{results.passed()});
        h5::write_attribute(file.id(), "chain_runs", static_cast<std::int64_t>(results.runs));
        h5::write_attribute(file.id(), "failed_runs", static_cast<std::int64_t>(results.failed_runs));

        Table rows, jobs;
        h5::Handle row_groups = h5::create_group(file.id(), "row");
        for (std::size_t i = 0; i < results.rows.size(); ++i) {
            const RegressionRow& r = results.rows[i];
            rows.add(suite, r.design, r.scenario, r.rate, r.pooled, r.passed(),
                     static_cast<std::int64_t>(r.jobs.size()));
            h5::Handle g = h5::create_group(row_groups.id(), std::to_string(i));
            write_pooled(g.id(), r.pooled);
            h5::write_attribute(g.id(), "waves", r.waves);
            h5::Handle golden = h5::create_group(g.id(), "golden");
            std::vector<std::string> figure, detail;
            std::vector<double> expected, measured, tolerance;
            std::vector<std::int64_t> pass;
            for (const GoldenCheck& c : r.checks) {
                figure.push_back(c.golden.figure), detail.push_back(c.detail);
                expected.push_back(c.golden.value.value_or(NAN)), measured.push_back(c.measured);
                tolerance.push_back(c.golden.tolerance), pass.push_back(c.pass);
            }
            h5::write_strings(golden.id(), "figure", figure);
            h5::write_vector(golden.id(), "expected", expected, "");
            h5::write_vector(golden.id(), "measured", measured, "");
            h5::write_vector(golden.id(), "tolerance", tolerance, "relative");
            h5::write_vector(golden.id(), "pass", pass, "");
            h5::write_strings(golden.id(), "detail", detail);
        }
        h5::Handle row_table = h5::create_group(file.id(), "rows");
        rows.write(row_table.id(), "seeds");

        h5::Handle job_groups = h5::create_group(file.id(), "job");
        for (std::size_t i = 0; i < results.jobs.size(); ++i) {
            const RegressionJob& j = results.jobs[i];
            jobs.add(suite, j.design, j.scenario, j.rate, results.job_results[i],
                     results.job_results[i].complete, static_cast<std::int64_t>(j.seed));
            h5::Handle g = h5::create_group(job_groups.id(), std::to_string(i));
            write_pooled(g.id(), results.job_results[i]);
        }
        h5::Handle job_table = h5::create_group(file.id(), "jobs");
        jobs.write(job_table.id(), "seed");
    }
    target.commit();
}

void print_regression(const RegressionSuite& suite, const RegressionResults& results, std::ostream& out) {
    auto shown = [](double v, const char* format) {
        return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string("-");
    };
    out << fmt::format(
        "Regression suite {}: {} jobs in {} chain runs ({} resumed, {} failed) on {} worker(s), "
        "{:.1f} s\n",
        suite.name, results.jobs.size(), results.runs, results.resumed, results.failed_runs, results.workers,
        results.wall_s);
    out << fmt::format("{:<20} {:<12} {:>10} {:>5} {:>9} {:>9} {:>8} {:>6} {:>10} {:>7} {:>6}  {}\n",
                       "design", "scenario", "rate", "seeds", "pulses", "FWHM eV", "ToA ns", "AUC", "out /s",
                       "dead %", "lost", "golden");
    for (const RegressionRow& r : results.rows) {
        const Figures f = figures_of(r.pooled);
        int passed = 0;
        for (const GoldenCheck& c : r.checks) passed += c.pass;
        const std::string golden = !r.pooled.complete ? "INCOMPLETE"
                                   : r.checks.empty() ? "-"
                                                      : fmt::format("{} {}/{}", r.passed() ? "PASS" : "FAIL",
                                                                    passed, r.checks.size());
        out << fmt::format("{:<20} {:<12} {:>10} {:>5} {:>9.0f} {:>9} {:>8} {:>6} {:>10} {:>7} {:>6}  {}\n",
                           suite.designs[r.design].name, suite.scenarios[r.scenario].name, r.rate,
                           r.jobs.size(), f.pulses, shown(f.fwhm_eV, "{:.0f}"),
                           shown(f.toa_sigma_ns, "{:.3f}"), shown(f.auc, "{:.3f}"),
                           shown(f.output_rate, "{:.4g}"), shown(100 * f.dead_fraction, "{:.2f}"),
                           shown(f.lost, "{:.0f}"), golden);
        for (const GoldenCheck& c : r.checks)
            if (!c.pass) out << "    FAIL " << c.detail << "\n";
        for (const std::string& failure : r.pooled.failures) out << "    FAILED RUN " << failure << "\n";
        if (!r.waves.empty()) out << "    waves " << r.waves << "\n";
    }
    out << (results.passed() ? "PASS" : "FAIL") << ": every row complete and within its golden figures\n";
}

}  // namespace pixforge::tb
