// Figures of merit of notes/physics.md section 10.3: Gaussian-core fits with uncertainties for
// energy lines and time residuals, and the pile-up ROC.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
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

// A peak that cannot be fitted is "not fitted": fitted = false and every fitted figure NaN (null
// in JSON, NaN in HDF5, "not fitted" in text), never 0.
inline constexpr double kNotFitted = std::numeric_limits<double>::quiet_NaN();

struct EnergyLineMetrics {
    double line_eV = 0;
    std::size_t entries = 0;
    bool fitted = false;
    double fwhm_eV = kNotFitted, fwhm_error_eV = kNotFitted;
    double bias_eV = kNotFitted, bias_error_eV = kNotFitted;  // centroid minus line energy
    double tail_fraction = kNotFitted;                        // entries below centroid - 3 sigma
};
EnergyLineMetrics energy_line_metrics(const std::vector<double>& estimates_eV, double line_eV);
// Energy resolution in the input's energy scale: the fitted lines' centroids against their
// energies give the response's gain (least squares with an offset, as a spectroscopist calibrates
// with known lines), and every FWHM is divided by it, so that an estimator that compresses its
// output (gain 0.1: every line ten times narrower and ten times closer to the others) is not
// counted ten times better. Needs two fitted lines of different energies (otherwise unchanged); a
// response that does not rise with energy leaves every line not fitted.
void refer_to_input_energy(std::vector<EnergyLineMetrics>& lines);

struct TimingMetrics {
    std::size_t entries = 0;
    bool fitted = false;
    double sigma_s = kNotFitted, sigma_error_s = kNotFitted;  // Gaussian core
    double bias_s = kNotFitted;
    double rms_s = kNotFitted;             // of all residuals (no fit needed; NaN without any)
    double outlier_fraction = kNotFitted;  // |residual - mean| > 3 sigma
};
TimingMetrics timing_metrics(const std::vector<double>& residuals_s);

// THE rule for the energy resolution over several lines, which every user calls (chain summary,
// validate, rate sweeps, the study's trials and classical baseline, the report): a line is
// unfitted when its FWHM is not finite (NaN from a failed fit, null in JSON). The mean over lines
// is itself "not fitted" (NaN) when any line is. The optimizer needs a number: its objective
// counts an unfitted line, or one wider than its energy, as 100 % of the line energy.
struct LineResolution {
    bool fitted = false;               // every line fitted
    std::size_t unfitted = 0;          // lines without a fit
    double mean_fwhm_eV = kNotFitted;  // mean over lines, NaN unless fitted
    double objective_eV = kNotFitted;  // mean with the 100 % penalty, for the optimizer
};
LineResolution line_resolution(const std::vector<double>& fwhm_eV, const std::vector<double>& line_eV);
LineResolution line_resolution(const std::vector<EnergyLineMetrics>& lines);

// `value` with `format` (fmt syntax, one argument), or "not fitted" when it is NaN.
std::string fitted_text(double value, const char* format, const char* missing = "not fitted");

struct PileupMetrics {
    std::size_t positives = 0, negatives = 0;
    double auc = 0;              // area under the ROC (ties count half)
    double tpr_at_1pct_fpr = 0;  // true-positive rate with at most 1 % false positives
};
// A NaN score (an estimator without a pile-up score, such as an energy-only network) is not
// measured: with no score at all, the AUC and TPR are NaN, never the 0.5 of a constant score.
PileupMetrics pileup_metrics(const std::vector<double>& scores, const std::vector<bool>& labels);

}  // namespace pixforge::datasets
