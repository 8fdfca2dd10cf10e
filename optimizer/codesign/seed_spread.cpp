#include "optimizer/codesign/seed_spread.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "optimizer/pareto.hpp"

namespace pixforge::codesign {

std::vector<std::size_t> offered_indices(const std::vector<optimizer::Vector>& objectives,
                                         const std::vector<bool>& feasible) {
    std::vector<std::size_t> pool;
    for (std::size_t i = 0; i < objectives.size(); ++i)
        if (feasible[i]) pool.push_back(i);
    if (pool.empty())
        for (std::size_t i = 0; i < objectives.size(); ++i) pool.push_back(i);
    std::vector<optimizer::Vector> points;
    for (std::size_t i : pool) points.push_back(objectives[i]);
    std::vector<std::size_t> out;
    for (std::size_t k : optimizer::pareto_indices(points)) out.push_back(pool[k]);
    return out;
}

std::vector<TrialMetrics> offered_front(const std::vector<TrialMetrics>& trials) {
    std::vector<const TrialMetrics*> finished;
    std::vector<optimizer::Vector> objectives;
    std::vector<bool> feasible;
    for (const TrialMetrics& m : trials)
        if (m.finished())
            finished.push_back(&m), objectives.push_back(*m.objectives), feasible.push_back(m.feasible());
    std::vector<TrialMetrics> out;
    for (std::size_t k : offered_indices(objectives, feasible)) out.push_back(*finished[k]);
    std::sort(out.begin(), out.end(),
              [](const TrialMetrics& a, const TrialMetrics& b) { return a.id < b.id; });
    return out;
}

std::vector<SeedSpread> seed_spreads(const std::vector<TrialMetrics>& front, std::int64_t trial_seed,
                                     const std::vector<TrialMetrics>& retrains) {
    std::vector<SeedSpread> out;
    for (const TrialMetrics& t : front) {
        if (!t.finished()) continue;
        SeedSpread s;
        s.trial = t.id;
        const auto add = [&](const TrialMetrics& m, std::int64_t seed) {
            s.seeds.push_back(seed);
            s.objectives.push_back(*m.objectives);
            s.feasible += m.feasible();
        };
        add(t, trial_seed);
        for (const TrialMetrics& r : retrains) {
            if (r.retrain_of != t.id) continue;
            if (r.finished())
                add(r, r.training_seed.value_or(-1));
            else
                ++s.failed;
        }
        const std::size_t n = s.objectives.size(), k_count = s.objectives.front().size();
        for (std::size_t k = 0; k < k_count; ++k) {
            double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (const auto& o : s.objectives) sum += o[k], lo = std::min(lo, o[k]), hi = std::max(hi, o[k]);
            const double mean = sum / static_cast<double>(n);
            double ss = 0;
            for (const auto& o : s.objectives) ss += (o[k] - mean) * (o[k] - mean);
            s.mean.push_back(mean), s.min.push_back(lo), s.max.push_back(hi);
            s.sd.push_back(n > 1 ? std::sqrt(ss / static_cast<double>(n - 1))
                                 : std::numeric_limits<double>::quiet_NaN());
        }
        out.push_back(std::move(s));
    }
    return out;
}

nlohmann::json SeedSpread::to_json(const std::vector<std::string>& objective_names) const {
    nlohmann::json per = nlohmann::json::object();
    for (std::size_t k = 0; k < objective_names.size() && k < mean.size(); ++k) {
        std::vector<double> values;
        for (const auto& o : objectives) values.push_back(o[k]);
        per[objective_names[k]] = {
            {"values", values}, {"mean", mean[k]}, {"sd", sd[k]}, {"min", min[k]}, {"max", max[k]}};
    }
    return {
        {"trial", trial}, {"seeds", seeds}, {"feasible", feasible}, {"failed", failed}, {"objectives", per}};
}

}  // namespace pixforge::codesign
