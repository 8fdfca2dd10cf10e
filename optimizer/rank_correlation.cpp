#include "optimizer/rank_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace pixforge::optimizer {

namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

void require_pairs(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size())
        throw std::invalid_argument("rank correlation of sequences of different lengths");
}

}  // namespace

std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {  // ties share their mean rank
        std::size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
        i = j + 1;
    }
    return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    require_pairs(a, b);
    if (a.size() < 2) return kUndefined;
    const auto ra = ranks(a), rb = ranks(b);
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n,
                 mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : kUndefined;
}

double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b) {
    require_pairs(a, b);
    double concordant = 0, discordant = 0, tied_a = 0, tied_b = 0, pairs = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = i + 1; j < a.size(); ++j) {
            ++pairs;
            const double da = a[i] - a[j], db = b[i] - b[j];
            if (da == 0) ++tied_a;
            if (db == 0) ++tied_b;
            if (da == 0 || db == 0) continue;
            (da > 0) == (db > 0) ? ++concordant : ++discordant;
        }
    const double denominator = std::sqrt((pairs - tied_a) * (pairs - tied_b));
    return denominator > 0 ? (concordant - discordant) / denominator : kUndefined;
}

}  // namespace pixforge::optimizer
