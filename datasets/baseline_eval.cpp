#include "datasets/baseline_eval.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "models/estimators/classical.hpp"

namespace pixforge::datasets {
namespace {

constexpr std::size_t kBatch = 8192;

}  // namespace

CalibrationSet calibration_set(const DatasetReader& dataset) {
    CalibrationSet set;
    WindowBatch batch;
    const std::size_t rows = dataset.rows("train");
    const auto w = static_cast<std::size_t>(dataset.window());
    for (std::size_t first = 0; first < rows && set.energy_eV.size() < kCalibrationWindows; first += kBatch) {
        dataset.read("train", first, std::min(kBatch, rows - first), batch);
        for (std::size_t i = 0; i < batch.rows && set.energy_eV.size() < kCalibrationWindows; ++i) {
            if (batch.pileup[i] || batch.n_pulses[i] != 1) continue;
            set.adc.insert(set.adc.end(), batch.adc.begin() + static_cast<std::ptrdiff_t>(i * w),
                           batch.adc.begin() + static_cast<std::ptrdiff_t>((i + 1) * w));
            set.energy_eV.push_back(batch.collected_keV[i] * 1e3);
            set.t0_s.push_back(batch.t0_ns[i] * 1e-9);
        }
    }
    return set;
}

EstimatorReport score_estimator(const models::PulseEstimator& estimator, const DatasetReader& dataset) {
    EstimatorReport report;
    report.name = estimator.name();
    const std::vector<double> lines = dataset.test_lines_keV();
    std::vector<std::vector<double>> per_line(lines.size());
    std::vector<double> residuals, scores;
    std::vector<bool> labels;
    WindowBatch batch;
    const std::size_t rows = dataset.rows("test");
    const auto w = static_cast<std::size_t>(dataset.window());
    double seconds = 0;
    for (std::size_t first = 0; first < rows; first += kBatch) {
        dataset.read("test", first, std::min(kBatch, rows - first), batch);
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < batch.rows; ++i) {
            const models::Estimate e = estimator.estimate(batch.adc.data() + i * w);
            const int line = batch.line_index[i];
            if (line >= 0 && static_cast<std::size_t>(line) < lines.size())
                per_line[static_cast<std::size_t>(line)].push_back(e.energy_eV);
            if (!batch.pileup[i] && batch.n_pulses[i] == 1 &&
                std::isfinite(e.time_s))  // no time: not measured
                residuals.push_back(e.time_s - batch.t0_ns[i] * 1e-9);
            scores.push_back(e.pileup_score);
            labels.push_back(batch.pileup[i] != 0);
        }
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    for (std::size_t l = 0; l < lines.size(); ++l)
        report.lines.push_back(energy_line_metrics(per_line[l], lines[l] * 1e3));
    refer_to_input_energy(report.lines);
    report.timing = timing_metrics(residuals);
    report.pileup = pileup_metrics(scores, labels);
    report.windows_per_s = static_cast<double>(rows) / std::max(seconds, 1e-9);
    return report;
}

BaselineReport evaluate_classical(const DatasetReader& dataset, const models::PixelChain& chain,
                                  const Config& estimator_config) {
    BaselineReport report;
    report.dataset_path = dataset.path();
    report.test_windows = dataset.rows("test");
    const models::WindowContext context(chain);
    if (context.length != dataset.window())
        throw PixError("DATA-005", fmt::format("{}: windows have {} samples but the chain has {}",
                                               dataset.path(), dataset.window(), context.length));
    // Scores of no windows would be written as results (NaN FWHM, AUC 0.5): refuse them instead.
    if (report.test_windows == 0)
        throw PixError("DATA-004",
                       fmt::format("{}: the 'test' split has no rows; expected test windows to score "
                                   "(regenerate the dataset with more --pulses)",
                                   dataset.path()));
    auto estimators = models::make_classical_estimators(context, estimator_config);
    const CalibrationSet cal = calibration_set(dataset);
    report.calibration_windows = cal.energy_eV.size();
    if (cal.energy_eV.empty())
        throw PixError("DATA-004",
                       fmt::format("{}: the 'train' split has no single-pulse window to calibrate the "
                                   "estimators on (regenerate the dataset with more --pulses)",
                                   dataset.path()));
    const auto w = static_cast<std::size_t>(context.length);
    for (auto& est : estimators) {
        std::vector<models::CalibrationSample> samples;
        for (std::size_t i = 0; i < cal.energy_eV.size(); ++i)
            samples.push_back({est->measure(cal.adc.data() + i * w), cal.energy_eV[i], cal.t0_s[i]});
        est->calibrate(samples);
        report.estimators.push_back(score_estimator(*est, dataset));
    }
    return report;
}

void print_baseline_table(const BaselineReport& r, std::ostream& out) {
    out << fmt::format(
        "Classical estimators on {} ({} test windows, calibrated on {} single-pulse training windows)\n\n",
        r.dataset_path, r.test_windows, r.calibration_windows);
    if (!r.estimators.empty() && !r.estimators.front().lines.empty()) {
        out << "Energy resolution, FWHM in eV (centroid bias in eV)\n";
        out << fmt::format("{:<18}", "estimator");
        for (const auto& l : r.estimators.front().lines)
            out << fmt::format("{:>24}", fmt::format("{:.2f} keV", l.line_eV * 1e-3));
        out << "\n";
        for (const auto& e : r.estimators) {
            out << fmt::format("{:<18}", e.name);
            for (const auto& l : e.lines)
                out << fmt::format("{:>24}", l.fitted ? fmt::format("{:.0f}+-{:.0f} ({:+.0f})", l.fwhm_eV,
                                                                    l.fwhm_error_eV, l.bias_eV)
                                                      : std::string("not fitted"));
            out << "\n";
        }
        out << "\n";
    }
    out << fmt::format("{:<18}{:>14}{:>12}{:>12}{:>10}{:>14}{:>12}\n", "estimator", "ToA sigma ns",
                       "ToA rms ns", "outliers %", "PU AUC", "TPR@1%FPR %", "windows/s");
    for (const auto& e : r.estimators)
        out << fmt::format("{:<18}{:>14}{:>12.3f}{:>12}{:>10}{:>14}{:>12.3g}\n", e.name,
                           e.timing.fitted ? fmt::format("{:.3f}+-{:.3f}", e.timing.sigma_s * 1e9,
                                                         e.timing.sigma_error_s * 1e9)
                                           : std::string("not fitted"),
                           e.timing.rms_s * 1e9, fitted_text(100 * e.timing.outlier_fraction, "{:.2f}"),
                           fitted_text(e.pileup.auc, "{:.3f}", "-"),
                           fitted_text(100 * e.pileup.tpr_at_1pct_fpr, "{:.1f}", "-"), e.windows_per_s);
}

std::string baseline_json(const BaselineReport& r) {
    nlohmann::json j;
    j["dataset"] = r.dataset_path;
    j["test_windows"] = r.test_windows;
    j["calibration_windows"] = r.calibration_windows;
    for (const auto& e : r.estimators) {
        nlohmann::json je;
        je["name"] = e.name;
        for (const auto& l : e.lines)
            je["energy"].push_back({{"line_keV", l.line_eV * 1e-3},
                                    {"entries", l.entries},
                                    {"fwhm_eV", l.fwhm_eV},
                                    {"fwhm_error_eV", l.fwhm_error_eV},
                                    {"bias_eV", l.bias_eV},
                                    {"bias_error_eV", l.bias_error_eV},
                                    {"tail_fraction", l.tail_fraction}});
        je["toa"] = {{"entries", e.timing.entries},
                     {"sigma_ns", e.timing.sigma_s * 1e9},
                     {"sigma_error_ns", e.timing.sigma_error_s * 1e9},
                     {"bias_ns", e.timing.bias_s * 1e9},
                     {"rms_ns", e.timing.rms_s * 1e9},
                     {"outlier_fraction", e.timing.outlier_fraction}};
        je["pileup"] = {{"positives", e.pileup.positives},
                        {"negatives", e.pileup.negatives},
                        {"auc", e.pileup.auc},
                        {"tpr_at_1pct_fpr", e.pileup.tpr_at_1pct_fpr}};
        je["windows_per_s"] = e.windows_per_s;
        j["estimators"].push_back(je);
    }
    return j.dump(2);
}

void write_baseline_h5(const BaselineReport& r, const std::string& path, const Provenance& provenance,
                       const std::string& resolved_config, std::uint64_t seed) {
    h5::silence_library_errors();
    AtomicFile target(path);
    {
        h5::Handle file = h5::create_file(target.temp().string());
        const hid_t root = file.id();
        h5::write_attribute(root, "schema", std::string("pixforge.baseline"));
        h5::write_attribute(root, "schema_version", std::int64_t{1});
        h5::write_provenance(root, provenance, resolved_config, seed);
        h5::write_attribute(root, "dataset", r.dataset_path);
        h5::write_attribute(root, "test_windows", static_cast<std::int64_t>(r.test_windows));
        for (const auto& e : r.estimators) {
            h5::Handle g = h5::create_group(root, e.name);
            std::vector<double> line, fwhm, fwhm_err, bias, bias_err, tail;
            for (const auto& l : e.lines) {
                line.push_back(l.line_eV * 1e-3);
                fwhm.push_back(l.fwhm_eV);
                fwhm_err.push_back(l.fwhm_error_eV);
                bias.push_back(l.bias_eV);
                bias_err.push_back(l.bias_error_eV);
                tail.push_back(l.tail_fraction);
            }
            h5::write_vector(g.id(), "line_keV", line, "keV");
            h5::write_vector(g.id(), "fwhm_eV", fwhm, "eV");
            h5::write_vector(g.id(), "fwhm_error_eV", fwhm_err, "eV");
            h5::write_vector(g.id(), "bias_eV", bias, "eV");
            h5::write_vector(g.id(), "bias_error_eV", bias_err, "eV");
            h5::write_vector(g.id(), "tail_fraction", tail, "");
            h5::write_attribute(g.id(), "toa_sigma_ns", e.timing.sigma_s * 1e9);
            h5::write_attribute(g.id(), "toa_sigma_error_ns", e.timing.sigma_error_s * 1e9);
            h5::write_attribute(g.id(), "toa_rms_ns", e.timing.rms_s * 1e9);
            h5::write_attribute(g.id(), "toa_outlier_fraction", e.timing.outlier_fraction);
            h5::write_attribute(g.id(), "pileup_auc", e.pileup.auc);
            h5::write_attribute(g.id(), "pileup_tpr_at_1pct_fpr", e.pileup.tpr_at_1pct_fpr);
            h5::write_attribute(g.id(), "windows_per_s", e.windows_per_s);
        }
    }
    target.commit();
}

void print_against_classical(const BaselineReport& r, std::size_t classical, std::ostream& out) {
    out << "\nNetwork against the best classical estimator per figure:\n";
    for (size_t n = classical; n < r.estimators.size(); ++n) {
        const auto& net = r.estimators[n];
        for (size_t l = 0; l < net.lines.size(); ++l) {
            // A line that was not fitted (NaN) is no result, so it cannot be the best.
            auto fwhm = [&](size_t c) {
                const double f = r.estimators[c].lines[l].fwhm_eV;
                return std::isfinite(f) ? f : std::numeric_limits<double>::infinity();
            };
            size_t best = 0;
            for (size_t c = 1; c < classical; ++c)
                if (fwhm(c) < fwhm(best)) best = c;
            out << fmt::format("  {:<12} FWHM at {:6.2f} keV: {:>10} vs {:>10} ({})\n", net.name,
                               net.lines[l].line_eV * 1e-3, fitted_text(net.lines[l].fwhm_eV, "{:.0f} eV"),
                               fitted_text(r.estimators[best].lines[l].fwhm_eV, "{:.0f} eV"),
                               r.estimators[best].name);
        }
        size_t bt = 0, bp = 0;
        const auto sigma = [&](size_t c) {
            const double s = r.estimators[c].timing.sigma_s;
            return std::isfinite(s) ? s : std::numeric_limits<double>::infinity();
        };
        for (size_t c = 1; c < classical; ++c) {
            if (sigma(c) < sigma(bt)) bt = c;
            if (r.estimators[c].pileup.auc > r.estimators[bp].pileup.auc) bp = c;
        }
        out << fmt::format("  {:<12} ToA sigma: {} vs {} ({})\n", net.name,
                           fitted_text(net.timing.sigma_s * 1e9, "{:.3f} ns"),
                           fitted_text(r.estimators[bt].timing.sigma_s * 1e9, "{:.3f} ns"),
                           r.estimators[bt].name);
        out << fmt::format("  {:<12} pile-up AUC: {} vs {:.3f} ({})\n", net.name,
                           fitted_text(net.pileup.auc, "{:.3f}", "not measured"), r.estimators[bp].pileup.auc,
                           r.estimators[bp].name);
    }
}

}  // namespace pixforge::datasets
