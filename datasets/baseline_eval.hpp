// `pixforge baseline`: calibrates every classical estimator on single-pulse training windows,
// runs it on the whole test split, and scores it: energy FWHM and centroid bias per test line,
// ToA sigma / rms / outliers on single-pulse windows, pile-up ROC on all windows. The same code
// scores trained networks later, through the PulseEstimator interface.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/provenance.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/metrics.hpp"
#include "models/estimators/estimator.hpp"

namespace pixforge::datasets {

struct EstimatorReport {
    std::string name;
    std::vector<EnergyLineMetrics> lines;
    TimingMetrics timing;
    PileupMetrics pileup;
    double windows_per_s = 0;  // estimator throughput on this machine
};

struct BaselineReport {
    std::string dataset_path;
    std::size_t test_windows = 0, calibration_windows = 0;
    std::vector<EstimatorReport> estimators;
};

// Single, unpiled windows of the training split (the first kCalibrationWindows), with their truth,
// for calibration. The energy target is the collected charge (x pair energy), as calibrating on
// photopeaks does: regressing on deposited energy would tilt the scale with the charge-sharing and
// trapping tails.
struct CalibrationSet {
    std::vector<std::uint16_t> adc;  // windows x dataset window
    std::vector<double> energy_eV, t0_s;
};
constexpr std::size_t kCalibrationWindows = 20000;
CalibrationSet calibration_set(const DatasetReader& dataset);

// Calibrates and scores the classical estimators of `chain` on the dataset.
BaselineReport evaluate_classical(const DatasetReader& dataset, const models::PixelChain& chain,
                                  const Config& estimator_config);

// Scores any estimator on the test split (already calibrated).
EstimatorReport score_estimator(const models::PulseEstimator& estimator, const DatasetReader& dataset);

void print_baseline_table(const BaselineReport& report, std::ostream& out);
// The estimators from index `classical` on (networks) against the best classical one (those before
// it) per figure: FWHM per line, ToA sigma, pile-up AUC; an unfitted figure is never the best.
void print_against_classical(const BaselineReport& report, std::size_t classical, std::ostream& out);
std::string baseline_json(const BaselineReport& report);
void write_baseline_h5(const BaselineReport& report, const std::string& path, const Provenance& provenance,
                       const std::string& resolved_config, std::uint64_t seed);

}  // namespace pixforge::datasets
