#include "optimizer/bayesian.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/random.hpp"
#include "optimizer/acquisition.hpp"
#include "optimizer/simple_strategies.hpp"

namespace pixforge::optimizer {

struct BayesianStrategy::Models {
    std::vector<GaussianProcess> objectives, constraints;
    bool parego = false;
    GaussianProcess scalarized;  // ParEGO
    Vector weights, lo, hi;      // ParEGO normalization
    double best_scalar = 0;
    bool any_feasible = false;

    // Mean and standard deviation of every output for a batch of feature rows.
    void predict(const Eigen::MatrixXd& F, std::vector<Eigen::VectorXd>& mean,
                 std::vector<Eigen::VectorXd>& sd) const {
        mean.clear();
        sd.clear();
        Eigen::VectorXd m, v;
        auto add = [&](const GaussianProcess& gp) {
            gp.predict(F, m, v);
            mean.push_back(m);
            sd.push_back(v.array().sqrt());
        };
        if (parego)
            add(scalarized);
        else
            for (const auto& gp : objectives) add(gp);
        for (const auto& gp : constraints) add(gp);
    }
};

BayesianStrategy::BayesianStrategy(const DesignSpace& space, const ProblemShape& shape, std::uint64_t seed,
                                   StrategyOptions options)
    : space_(space), shape_(shape), seed_(seed), options_(options) {}

std::vector<std::vector<double>> BayesianStrategy::propose(const std::vector<Trial>& history, int q) {
    std::vector<std::vector<double>> out;
    const size_t n_init = static_cast<size_t>(options_.initial_points);
    while (out.size() < static_cast<size_t>(q) && history.size() + out.size() < n_init)
        out.push_back(sobol_points(space_, seed_, history.size() + out.size(), 1).front());
    if (out.size() == static_cast<size_t>(q)) return out;

    std::vector<const Trial*> data;
    for (const auto& t : history)
        if (t.ok) data.push_back(&t);
    if (data.size() < 2) {  // nothing to model yet: keep exploring
        while (out.size() < static_cast<size_t>(q))
            out.push_back(sobol_points(space_, seed_, history.size() + out.size(), 1).front());
        return out;
    }
    const std::uint64_t step_seed = seed_ * 1000003u + history.size();
    Eigen::MatrixXd F(static_cast<Eigen::Index>(data.size()), space_.feature_size());
    for (size_t i = 0; i < data.size(); ++i)
        F.row(static_cast<Eigen::Index>(i)) = space_.features(data[i]->u).transpose();
    Models models;
    GaussianProcess::Options gp_options;
    auto column = [&](auto getter) {
        Eigen::VectorXd y(F.rows());
        for (size_t i = 0; i < data.size(); ++i) y(static_cast<Eigen::Index>(i)) = getter(*data[i]);
        return y;
    };
    models.parego = shape_.objectives > 3;
    if (models.parego) {
        // Random weights on the simplex, objectives normalized to the observed range.
        Rng rng(step_seed, "parego.weights");
        models.weights.resize(static_cast<size_t>(shape_.objectives));
        double sum = 0;
        for (double& w : models.weights) sum += (w = -std::log(rng.uniform_open()));
        for (double& w : models.weights) w /= sum;
        models.lo.assign(models.weights.size(), 1e300);
        models.hi.assign(models.weights.size(), -1e300);
        for (const Trial* t : data)
            for (size_t j = 0; j < models.weights.size(); ++j) {
                models.lo[j] = std::min(models.lo[j], t->objectives[j]);
                models.hi[j] = std::max(models.hi[j], t->objectives[j]);
            }
        auto scalar = [&](const Trial& t) {
            Vector z(models.weights.size());
            for (size_t j = 0; j < z.size(); ++j)
                z[j] = (t.objectives[j] - models.lo[j]) / std::max(1e-12, models.hi[j] - models.lo[j]);
            return chebyshev(z, models.weights);
        };
        const Eigen::VectorXd y = column(scalar);
        models.scalarized.fit(F, y, step_seed, gp_options);
        models.best_scalar = 1e300;
        for (size_t i = 0; i < data.size(); ++i)
            if (feasible(*data[i]))
                models.best_scalar = std::min(models.best_scalar, y(static_cast<Eigen::Index>(i)));
    } else {
        for (int j = 0; j < shape_.objectives; ++j) {
            models.objectives.emplace_back();
            models.objectives.back().fit(
                F, column([j](const Trial& t) { return t.objectives[static_cast<size_t>(j)]; }),
                step_seed + static_cast<std::uint64_t>(j), gp_options);
        }
    }
    for (int k = 0; k < shape_.constraints; ++k) {
        models.constraints.emplace_back();
        models.constraints.back().fit(
            F, column([k](const Trial& t) { return t.constraints[static_cast<size_t>(k)]; }),
            step_seed + 100 + static_cast<std::uint64_t>(k), gp_options);
    }
    std::vector<Vector> front = feasible_objectives(history);
    models.any_feasible = !front.empty();
    {
        std::vector<Vector> pareto;
        for (size_t k : pareto_indices(front)) pareto.push_back(front[k]);
        front = pareto;
    }
    std::set<std::vector<double>> taken;
    for (const auto& t : history) taken.insert(t.u);
    while (out.size() < static_cast<size_t>(q)) {
        std::vector<double> x = best_point(models, history, front, step_seed + out.size());
        if (taken.count(x))
            x = sobol_points(space_, step_seed, history.size() + out.size(), 1).front();  // exhausted locally
        taken.insert(x);
        out.push_back(x);
        if (out.size() == static_cast<size_t>(q)) break;
        // Kriging believer: pretend x was observed at the predicted mean.
        const Eigen::MatrixXd f = space_.features(x).transpose();
        std::vector<Eigen::VectorXd> mean, sd;
        models.predict(f, mean, sd);
        size_t k = 0;
        if (models.parego) {
            models.scalarized.add_observation(f.row(0).transpose(), mean[k++](0));
        } else {
            Vector believed;
            for (auto& gp : models.objectives) {
                believed.push_back(mean[k](0));
                gp.add_observation(f.row(0).transpose(), mean[k++](0));
            }
            if (models.constraints.empty()) front.push_back(believed);
        }
        for (auto& gp : models.constraints) gp.add_observation(f.row(0).transpose(), mean[k++](0));
    }
    return out;
}

std::vector<double> BayesianStrategy::best_point(Models& models, const std::vector<Trial>& history,
                                                 const std::vector<Vector>& front, std::uint64_t seed) const {
    const ExpectedHypervolumeImprovement ehvi(front, shape_.reference);
    const size_t no = models.parego ? 1 : static_cast<size_t>(shape_.objectives);
    // Scores a batch of points (rows of unit-cube coordinates).
    auto score = [&](const std::vector<std::vector<double>>& points) {
        Eigen::MatrixXd F(static_cast<Eigen::Index>(points.size()), space_.feature_size());
        for (size_t i = 0; i < points.size(); ++i)
            F.row(static_cast<Eigen::Index>(i)) = space_.features(points[i]).transpose();
        std::vector<Eigen::VectorXd> mean, sd;
        models.predict(F, mean, sd);
        std::vector<double> s(points.size());
        for (size_t i = 0; i < points.size(); ++i) {
            const auto r = static_cast<Eigen::Index>(i);
            Vector cm, cs;
            for (size_t k = no; k < mean.size(); ++k) {
                cm.push_back(mean[k](r));
                cs.push_back(sd[k](r));
            }
            const double pof = probability_of_feasibility(cm, cs);
            if (!models.any_feasible) {
                s[i] = pof;
            } else if (models.parego) {
                s[i] = expected_improvement(models.best_scalar, mean[0](r), sd[0](r)) * pof;
            } else {
                Vector m(no), d(no);
                for (size_t j = 0; j < no; ++j) {
                    m[j] = mean[j](r);
                    d[j] = sd[j](r);
                }
                s[i] = ehvi(m, d) * pof;
            }
        }
        return s;
    };
    // Candidates: Sobol points and perturbations of the Pareto set.
    Rng rng(seed, "bayesian.candidates");
    std::vector<std::vector<double>> candidates =
        sobol_points(space_, seed, 0, static_cast<size_t>(options_.candidates));
    std::vector<const Trial*> elite;
    for (const auto& t : history)
        if (feasible(t)) {
            bool dominated = false;
            for (const auto& v : front) dominated |= dominates(v, t.objectives);
            if (!dominated) elite.push_back(&t);
        }
    auto perturb = [&](const std::vector<double>& u, double sigma) {
        std::vector<double> v = u;
        for (size_t i = 0; i < v.size(); ++i) {
            if (space_.is_continuous(i))
                v[i] = std::clamp(v[i] + sigma * rng.normal(), 0.0, 1.0);
            else if (rng.uniform() < 1.0 / static_cast<double>(v.size()))
                v[i] = rng.uniform();
        }
        return space_.snap(v);
    };
    for (const Trial* t : elite)
        for (int k = 0; k < 16; ++k) candidates.push_back(perturb(t->u, 0.05));
    std::vector<double> scores = score(candidates);
    // Local search from the best three.
    std::vector<size_t> order(candidates.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::partial_sort(order.begin(), order.begin() + std::min<size_t>(3, order.size()), order.end(),
                      [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    std::vector<double> best = candidates[order[0]];
    double best_score = scores[order[0]];
    for (size_t s = 0; s < std::min<size_t>(3, order.size()); ++s) {
        std::vector<double> x = candidates[order[s]];
        double fx = scores[order[s]];
        for (double sigma : {0.1, 0.03, 0.01, 0.003}) {
            std::vector<std::vector<double>> moves;
            for (int k = 0; k < 24; ++k) moves.push_back(perturb(x, sigma));
            const std::vector<double> ms = score(moves);
            const size_t top = static_cast<size_t>(std::max_element(ms.begin(), ms.end()) - ms.begin());
            if (ms[top] > fx) {
                fx = ms[top];
                x = moves[top];
            }
        }
        if (fx > best_score) {
            best_score = fx;
            best = x;
        }
    }
    return best;
}

}  // namespace pixforge::optimizer
