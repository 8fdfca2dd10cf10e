// Figures of merit of notes/physics.md section 10.3: Gaussian-core fits with uncertainties for
// energy lines and time residuals, and the pile-up ROC.
#pragma once

#include <cstddef>
#include <vector>

namespace pixforge::datasets {

inline constexpr double kFwhmPerSigma = 2.3548200450309493;  // 2 sqrt(2 ln 2)

// Which side of a peak carries a non-Gaussian tail: energy lines have a low-energy tail (charge
// sharing, trapping, ballistic deficit); time residuals are treated as symmetric.
enum class TailSide { None, Low, High };

// Least-squares fit of a Gaussian to the histogram of a peak's core, Poisson weights, errors
// from the fit covariance. Starts at the histogram mode with sigma from the half width on the
// clean side; fits mean +- 2.5 sigma, but only 1.5 sigma into the tail side.
struct GaussianFit {
    bool ok = false;
    std::size_t entries = 0;
    double mean = 0, mean_error = 0;
    double sigma = 0, sigma_error = 0;
};
GaussianFit fit_gaussian_core(const std::vector<double>& values, TailSide tail);

struct EnergyLineMetrics {
    double line_eV = 0;
    std::size_t entries = 0;
    double fwhm_eV = 0, fwhm_error_eV = 0;
    double bias_eV = 0, bias_error_eV = 0;  // centroid minus line energy
    double tail_fraction = 0;               // entries below centroid - 3 sigma
};
EnergyLineMetrics energy_line_metrics(const std::vector<double>& estimates_eV, double line_eV);

struct TimingMetrics {
    std::size_t entries = 0;
    double sigma_s = 0, sigma_error_s = 0;  // Gaussian core
    double bias_s = 0;
    double rms_s = 0;
    double outlier_fraction = 0;  // |residual - mean| > 3 sigma
};
TimingMetrics timing_metrics(const std::vector<double>& residuals_s);

struct PileupMetrics {
    std::size_t positives = 0, negatives = 0;
    double auc = 0;              // area under the ROC (ties count half)
    double tpr_at_1pct_fpr = 0;  // true-positive rate with at most 1 % false positives
};
PileupMetrics pileup_metrics(const std::vector<double>& scores, const std::vector<bool>& labels);

}  // namespace pixforge::datasets
