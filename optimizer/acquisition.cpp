#include "optimizer/acquisition.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace pixforge::optimizer {
namespace {

double normal_cdf(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}
double normal_pdf(double z) {
    return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
}

// E[max(0, u - max(l, Y))] for Y ~ N(mu, sd^2); l may be -infinity.
double interval_expectation(double l, double u, double mu, double sd) {
    const double b = (u - mu) / sd;
    double value = (u - mu) * normal_cdf(b) + sd * normal_pdf(b);
    if (std::isfinite(l)) {
        const double a = (l - mu) / sd;
        value = (u - l) * normal_cdf(a) + (u - mu) * (normal_cdf(b) - normal_cdf(a)) +
                sd * (normal_pdf(b) - normal_pdf(a));
    }
    return std::max(0.0, value);
}

}  // namespace

ExpectedHypervolumeImprovement::ExpectedHypervolumeImprovement(const std::vector<Vector>& front,
                                                               const Vector& reference)
    : m_(reference.size()), intervals_(m_), factor_(m_) {
    std::vector<std::map<std::pair<double, double>, int>> index(m_);
    for (const Box& box : non_dominated_boxes(front, reference)) {
        std::vector<int> ids(m_);
        for (size_t j = 0; j < m_; ++j) {
            const auto key = std::make_pair(box.lower[j], box.upper[j]);
            auto it = index[j].find(key);
            if (it == index[j].end()) {
                it = index[j].emplace(key, static_cast<int>(intervals_[j].size())).first;
                intervals_[j].push_back(key);
            }
            ids[j] = it->second;
        }
        box_intervals_.push_back(std::move(ids));
    }
    for (size_t j = 0; j < m_; ++j) factor_[j].resize(intervals_[j].size());
}

double ExpectedHypervolumeImprovement::operator()(const Vector& mean, const Vector& sd) const {
    for (size_t j = 0; j < m_; ++j) {
        const double s = std::max(sd[j], 1e-12);
        for (size_t k = 0; k < intervals_[j].size(); ++k)
            factor_[j][k] = interval_expectation(intervals_[j][k].first, intervals_[j][k].second, mean[j], s);
    }
    double total = 0;
    for (const auto& ids : box_intervals_) {
        double v = 1;
        for (size_t j = 0; j < m_ && v > 0; ++j) v *= factor_[j][static_cast<size_t>(ids[j])];
        total += v;
    }
    return total;
}

double probability_of_feasibility(const Vector& mean, const Vector& sd) {
    double p = 1;
    for (size_t k = 0; k < mean.size(); ++k) p *= normal_cdf(-mean[k] / std::max(sd[k], 1e-12));
    return p;
}

double expected_improvement(double best, double mean, double sd) {
    sd = std::max(sd, 1e-12);
    const double z = (best - mean) / sd;
    return (best - mean) * normal_cdf(z) + sd * normal_pdf(z);
}

double chebyshev(const Vector& normalized, const Vector& weights) {
    double worst = -1e300, sum = 0;
    for (size_t j = 0; j < normalized.size(); ++j) {
        worst = std::max(worst, weights[j] * normalized[j]);
        sum += weights[j] * normalized[j];
    }
    return worst + 0.05 * sum;
}

}  // namespace pixforge::optimizer
