#include "datasets/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>
#include <Eigen/Dense>

namespace pixforge::datasets {
namespace {

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

}  // namespace

namespace {

// Spacing of discrete estimates (an ADC code's worth of energy, say), or 0 for continuous ones:
// histogram bins finer than it would show spikes, not a peak.
double quantum_of(const std::vector<double>& values) {
    std::vector<double> distinct = values;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() < 2 || distinct.size() >= values.size() / 4) return 0.0;
    std::vector<double> gaps;
    for (size_t i = 1; i < distinct.size(); ++i) gaps.push_back(distinct[i] - distinct[i - 1]);
    return quantile(gaps, 0.5);
}

// Starting point of a peak fit: the mode of a fine histogram and the half width at half maximum
// on the side away from the tail. Robust against a continuum on the tail side, which pulls a
// median and a MAD.
bool peak_start(const std::vector<double>& values, TailSide tail, double quantum, double& mode,
                double& sigma) {
    const double lo = quantile(values, 0.01), hi = quantile(values, 0.99);
    const double spread = 1.4826 * (quantile(values, 0.75) - quantile(values, 0.25)) / 1.349;
    if (!(hi > lo) || !(spread > 0)) return false;
    const double width = std::max({spread / 8, (hi - lo) / 2000, quantum});
    const auto bins = static_cast<std::size_t>(std::ceil((hi - lo) / width)) + 1;
    std::vector<double> h(bins, 0.0);
    for (double v : values)
        if (v >= lo && v <= hi) h[static_cast<std::size_t>((v - lo) / width)] += 1;
    // Smooth over 5 bins so a single noisy bin does not win.
    std::vector<double> smooth(bins, 0.0);
    for (std::size_t i = 0; i < bins; ++i)
        for (std::size_t j = i >= 2 ? i - 2 : 0; j <= std::min(bins - 1, i + 2); ++j) smooth[i] += h[j];
    const auto peak =
        static_cast<std::size_t>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
    mode = lo + (peak + 0.5) * width;
    const double half = smooth[peak] / 2;
    std::size_t i = peak;
    if (tail == TailSide::Low) {
        while (i + 1 < bins && smooth[i] > half) ++i;
    } else {
        while (i > 0 && smooth[i] > half) --i;
    }
    const double hwhm =
        std::max(width, std::fabs(static_cast<double>(i) - static_cast<double>(peak)) * width);
    sigma = hwhm / std::sqrt(2 * std::log(2.0));
    return sigma > 0;
}

}  // namespace

GaussianFit fit_gaussian_core(const std::vector<double>& values, TailSide tail) {
    GaussianFit fit;
    if (values.size() < 20) return fit;
    double mean = 0, sigma = 0;
    const double quantum = quantum_of(values);
    if (!peak_start(values, tail, quantum, mean, sigma)) return fit;
    // Gauss-Newton on binned counts over the core; on the tail side only to 1.5 sigma.
    const double below = tail == TailSide::Low ? 1.5 : 2.5, above = tail == TailSide::High ? 1.5 : 2.5;
    Eigen::Vector3d theta;
    Eigen::Matrix3d covariance = Eigen::Matrix3d::Zero();
    for (int round = 0; round < 4; ++round) {
        double lo = mean - below * sigma, hi = mean + above * sigma;
        int bins = 40;
        if (quantum > (hi - lo) / bins) {
            // Bins one quantum wide, edges halfway between the discrete values, so each bin's
            // centre is the value it holds.
            const double anchor = values.front();
            lo = anchor + quantum * (std::floor((lo - anchor) / quantum) + 0.5);
            bins = std::max(5, static_cast<int>(std::ceil((hi - lo) / quantum)));
            hi = lo + bins * quantum;
        }
        const double width = (hi - lo) / bins;
        std::vector<double> counts(bins, 0.0);
        std::size_t inside = 0;
        for (double v : values)
            if (v >= lo && v < hi) {
                counts[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>((v - lo) / width)))] += 1;
                ++inside;
            }
        if (inside < 20) return fit;
        theta << static_cast<double>(inside) * width / (sigma * std::sqrt(2 * M_PI)) / 0.9, mean, sigma;
        for (int it = 0; it < 30; ++it) {
            Eigen::Matrix3d jtj = Eigen::Matrix3d::Zero();
            Eigen::Vector3d jtr = Eigen::Vector3d::Zero();
            for (int b = 0; b < bins; ++b) {
                const double x = lo + (b + 0.5) * width;
                const double z = (x - theta(1)) / theta(2);
                const double e = std::exp(-0.5 * z * z);
                const double model = theta(0) * e;
                const Eigen::Vector3d grad(e, model * z / theta(2), model * z * z / theta(2));
                const double weight = 1.0 / std::max(counts[static_cast<std::size_t>(b)], 1.0);
                jtj += weight * grad * grad.transpose();
                jtr += weight * grad * (counts[static_cast<std::size_t>(b)] - model);
            }
            const Eigen::Vector3d step = jtj.ldlt().solve(jtr);
            theta += step;
            theta(2) = std::fabs(theta(2));
            covariance = jtj.inverse();
            if (step.cwiseAbs().maxCoeff() < 1e-9 * (std::fabs(theta(1)) + theta(2))) break;
        }
        if (!std::isfinite(theta(1)) || !(theta(2) > 0.25 * quantum)) return fit;
        mean = theta(1);
        sigma = theta(2);
        fit.entries = inside;
    }
    fit.ok = true;
    fit.mean = mean;
    fit.sigma = sigma;
    fit.mean_error = std::sqrt(std::max(0.0, covariance(1, 1)));
    fit.sigma_error = std::sqrt(std::max(0.0, covariance(2, 2)));
    return fit;
}

EnergyLineMetrics energy_line_metrics(const std::vector<double>& estimates_eV, double line_eV) {
    EnergyLineMetrics m;
    m.line_eV = line_eV;
    m.entries = estimates_eV.size();
    const GaussianFit fit = fit_gaussian_core(estimates_eV, TailSide::Low);
    if (!fit.ok) return m;
    m.fitted = true;
    m.fwhm_eV = kFwhmPerSigma * fit.sigma;
    m.fwhm_error_eV = kFwhmPerSigma * fit.sigma_error;
    m.bias_eV = fit.mean - line_eV;
    m.bias_error_eV = fit.mean_error;
    const auto below = std::count_if(estimates_eV.begin(), estimates_eV.end(),
                                     [&](double e) { return e < fit.mean - 3 * fit.sigma; });
    m.tail_fraction = static_cast<double>(below) / static_cast<double>(estimates_eV.size());
    return m;
}

void refer_to_input_energy(std::vector<EnergyLineMetrics>& lines) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& l : lines)
        if (l.fitted) {
            const double x = l.line_eV, y = l.line_eV + l.bias_eV;
            n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
        }
    const double spread = sxx - sx * sx / std::max(n, 1.0);
    if (n < 2 || !(spread > 0)) return;
    const double gain = (sxy - sx * sy / n) / spread;
    for (auto& l : lines) {
        if (!l.fitted) continue;
        if (!(gain > 0)) {
            l.fitted = false, l.fwhm_eV = l.fwhm_error_eV = kNotFitted;
            continue;
        }
        l.fwhm_eV /= gain, l.fwhm_error_eV /= gain;
    }
}

TimingMetrics timing_metrics(const std::vector<double>& residuals_s) {
    TimingMetrics m;
    m.entries = residuals_s.size();
    if (residuals_s.empty()) return m;
    double sum2 = 0;
    for (double r : residuals_s) sum2 += r * r;
    m.rms_s = std::sqrt(sum2 / static_cast<double>(residuals_s.size()));
    const GaussianFit fit = fit_gaussian_core(residuals_s, TailSide::None);
    if (!fit.ok) return m;
    m.fitted = true;
    m.sigma_s = fit.sigma;
    m.sigma_error_s = fit.sigma_error;
    m.bias_s = fit.mean;
    const auto outliers = std::count_if(residuals_s.begin(), residuals_s.end(),
                                        [&](double r) { return std::fabs(r - fit.mean) > 3 * fit.sigma; });
    m.outlier_fraction = static_cast<double>(outliers) / static_cast<double>(residuals_s.size());
    return m;
}

LineResolution line_resolution(const std::vector<double>& fwhm_eV, const std::vector<double>& line_eV) {
    LineResolution r;
    if (fwhm_eV.empty() || fwhm_eV.size() != line_eV.size()) return r;
    double mean = 0, objective = 0;
    for (std::size_t l = 0; l < fwhm_eV.size(); ++l) {
        const double f = fwhm_eV[l], line = line_eV[l];
        const bool fitted = std::isfinite(f);
        r.unfitted += !fitted;
        mean += f;
        objective += fitted && f > 0 && f < line ? f : line;
    }
    const double n = static_cast<double>(fwhm_eV.size());
    r.fitted = r.unfitted == 0;
    r.mean_fwhm_eV = r.fitted ? mean / n : kNotFitted;
    r.objective_eV = objective / n;
    return r;
}

LineResolution line_resolution(const std::vector<EnergyLineMetrics>& lines) {
    std::vector<double> fwhm, line;
    for (const auto& l : lines) fwhm.push_back(l.fitted ? l.fwhm_eV : kNotFitted), line.push_back(l.line_eV);
    return line_resolution(fwhm, line);
}

std::string fitted_text(double value, const char* format, const char* missing) {
    return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : std::string(missing);
}

PileupMetrics pileup_metrics(const std::vector<double>& all_scores, const std::vector<bool>& all_labels) {
    PileupMetrics m;
    std::vector<double> scores;
    std::vector<bool> labels;
    for (std::size_t i = 0; i < all_scores.size(); ++i)
        if (!std::isnan(all_scores[i])) scores.push_back(all_scores[i]), labels.push_back(all_labels[i]);
    if (scores.empty() && !all_scores.empty()) {
        m.auc = m.tpr_at_1pct_fpr = std::numeric_limits<double>::quiet_NaN();
        return m;
    }
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Mann-Whitney U with mid-ranks for ties.
    double rank_sum = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        const double mid_rank = 0.5 * static_cast<double>(i + j - 1) + 1.0;
        for (std::size_t k = i; k < j; ++k)
            if (labels[order[k]]) {
                rank_sum += mid_rank;
                ++m.positives;
            }
        i = j;
    }
    m.negatives = scores.size() - m.positives;
    if (m.positives == 0 || m.negatives == 0) return m;
    const double np = static_cast<double>(m.positives), nn = static_cast<double>(m.negatives);
    m.auc = (rank_sum - np * (np + 1) / 2) / (np * nn);
    std::vector<double> negative_scores;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (!labels[i]) negative_scores.push_back(scores[i]);
    const double cut = quantile(negative_scores, 0.99);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (labels[i] && scores[i] > cut) ++hits;
    m.tpr_at_1pct_fpr = static_cast<double>(hits) / np;
    return m;
}

}  // namespace pixforge::datasets
