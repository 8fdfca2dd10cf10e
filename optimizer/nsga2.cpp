#include "optimizer/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <pagmo/utils/genetic_operators.hpp>
#include <pagmo/utils/multi_objective.hpp>

#include "optimizer/simple_strategies.hpp"

namespace pixforge::optimizer {
namespace {

double violation(const Trial& t) {
    if (!t.ok) return 1e300;
    double v = 0;
    for (double c : t.constraints) v += std::max(0.0, c);
    return v;
}

}  // namespace

Nsga2Strategy::Nsga2Strategy(const DesignSpace& space, const ProblemShape& shape, std::uint64_t seed,
                             int population)
    : space_(space), shape_(shape), seed_(seed), population_(static_cast<size_t>(population)) {}

std::vector<size_t> Nsga2Strategy::survivors(const std::vector<Trial>& history,
                                             const std::vector<size_t>& pool) const {
    // Feasible trials by non-domination and crowding (pagmo); infeasible ones after them, by violation.
    std::vector<size_t> feasible_ids, infeasible_ids;
    for (size_t i : pool) (violation(history[i]) == 0 ? feasible_ids : infeasible_ids).push_back(i);
    std::vector<size_t> out;
    if (feasible_ids.size() <= population_) {
        out = feasible_ids;
    } else {
        std::vector<pagmo::vector_double> f;
        for (size_t i : feasible_ids) f.push_back(history[i].objectives);
        for (auto k : pagmo::select_best_N_mo(f, population_)) out.push_back(feasible_ids[k]);
    }
    std::stable_sort(infeasible_ids.begin(), infeasible_ids.end(),
                     [&](size_t a, size_t b) { return violation(history[a]) < violation(history[b]); });
    for (size_t i : infeasible_ids)
        if (out.size() < population_) out.push_back(i);
    return out;
}

std::vector<std::vector<double>> Nsga2Strategy::offspring(const std::vector<Trial>& history,
                                                          const std::vector<size_t>& parents,
                                                          size_t generation) const {
    // Rank and crowding of the parents for binary tournaments.
    std::vector<size_t> rank(parents.size(), parents.size());
    std::vector<double> crowding(parents.size(), 0.0);
    std::vector<size_t> feasible_pos;
    for (size_t k = 0; k < parents.size(); ++k)
        if (violation(history[parents[k]]) == 0) feasible_pos.push_back(k);
    if (feasible_pos.size() >= 2) {
        std::vector<pagmo::vector_double> f;
        for (size_t k : feasible_pos) f.push_back(history[parents[k]].objectives);
        const auto fronts = std::get<0>(pagmo::fast_non_dominated_sorting(f));
        for (size_t r = 0; r < fronts.size(); ++r) {
            std::vector<pagmo::vector_double> front_f;
            for (auto idx : fronts[r]) front_f.push_back(f[idx]);
            const auto cd =
                front_f.size() > 1 ? pagmo::crowding_distance(front_f) : pagmo::vector_double{1e300};
            for (size_t k = 0; k < fronts[r].size(); ++k) {
                rank[feasible_pos[fronts[r][k]]] = r;
                crowding[feasible_pos[fronts[r][k]]] = cd[k];
            }
        }
    } else if (feasible_pos.size() == 1) {
        rank[feasible_pos[0]] = 0;
    }
    std::mt19937 engine(static_cast<std::mt19937::result_type>(seed_ * 1000003u + generation));
    std::uniform_int_distribution<size_t> pick(0, parents.size() - 1);
    auto tournament = [&]() {
        const size_t a = pick(engine), b = pick(engine);
        if (rank[a] != rank[b]) return rank[a] < rank[b] ? a : b;
        if (rank[a] == parents.size())
            return violation(history[parents[a]]) <= violation(history[parents[b]]) ? a : b;
        return crowding[a] >= crowding[b] ? a : b;
    };
    const size_t d = space_.size();
    const std::pair<pagmo::vector_double, pagmo::vector_double> bounds{pagmo::vector_double(d, 0.0),
                                                                       pagmo::vector_double(d, 1.0)};
    std::vector<std::vector<double>> children;
    while (children.size() < population_) {
        const auto& p1 = history[parents[tournament()]].u;
        const auto& p2 = history[parents[tournament()]].u;
        auto [c1, c2] = pagmo::sbx_crossover(p1, p2, bounds, 0, 0.9, 15.0, engine);
        for (auto* c : {&c1, &c2}) {
            pagmo::polynomial_mutation(*c, bounds, 0, 1.0 / static_cast<double>(d), 20.0, engine);
            if (children.size() < population_) children.push_back(space_.snap(*c));
        }
    }
    return children;
}

std::vector<std::vector<double>> Nsga2Strategy::propose(const std::vector<Trial>& history, int q) {
    std::vector<std::vector<double>> out;
    for (int i = 0; i < q; ++i) {
        const size_t n = history.size() + static_cast<size_t>(i);
        if (n < population_) {  // generation 0: the shared Sobol design
            out.push_back(sobol_points(space_, seed_, n, 1).front());
            continue;
        }
        const size_t generation = n / population_;  // the generation n belongs to (>= 1)
        // Its parents need every earlier generation evaluated: a batch stops at the boundary.
        if (generation * population_ > history.size()) break;
        // Replay: survivors after each complete offspring generation.
        std::vector<size_t> parents(population_);
        for (size_t k = 0; k < population_; ++k) parents[k] = k;
        for (size_t g = 1; g < generation; ++g) {
            std::vector<size_t> pool = parents;
            for (size_t k = g * population_; k < (g + 1) * population_; ++k) pool.push_back(k);
            parents = survivors(history, pool);
        }
        out.push_back(offspring(history, parents, generation)[n % population_]);
    }
    return out;
}

}  // namespace pixforge::optimizer
