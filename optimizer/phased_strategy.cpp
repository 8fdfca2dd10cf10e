#include "optimizer/phased_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace pixforge::optimizer {

// One part of the space (the algorithm's or the hardware's parameters) as a space of its own, with
// its inner strategy.
struct PhasedStrategy::Part {
    std::vector<std::size_t> index;  // of each sub-space parameter in the whole space
    DesignSpace space;
    std::unique_ptr<Strategy> inner;

    Part(const DesignSpace& whole, std::vector<std::size_t> indices) : index(std::move(indices)) {
        for (std::size_t i : index) {
            Parameter p = whole[i];
            if (p.parent >= 0) {
                const auto at = std::find(index.begin(), index.end(), static_cast<std::size_t>(p.parent));
                if (at == index.end())
                    throw std::invalid_argument("parameter '" + p.name + "' depends on '" +
                                                whole[static_cast<std::size_t>(p.parent)].name +
                                                "', which is in the other part of the space");
                p.parent = static_cast<int>(at - index.begin());
            }
            space.add(std::move(p));
        }
    }
    std::vector<double> project(const std::vector<double>& u) const {
        std::vector<double> v;
        for (std::size_t i : index) v.push_back(u[i]);
        return v;
    }
    std::vector<double> embed(const std::vector<double>& v, std::vector<double> u) const {
        for (std::size_t k = 0; k < index.size(); ++k) u[index[k]] = v[k];
        return u;
    }
    bool same(const std::vector<double>& a, const std::vector<double>& b) const {
        return std::all_of(index.begin(), index.end(),
                           [&](std::size_t i) { return std::fabs(a[i] - b[i]) < 1e-12; });
    }
};

PhasedStrategy::PhasedStrategy(std::string name, const DesignSpace& space, const ProblemShape& shape,
                               std::uint64_t seed, PhasedOptions options)
    : name_(std::move(name)), space_(space), shape_(shape), seed_(seed), options_(std::move(options)) {
    std::vector<std::size_t> algorithm;
    for (std::size_t i = 0; i < space.size(); ++i)
        if (std::find(options_.hardware.begin(), options_.hardware.end(), i) == options_.hardware.end())
            algorithm.push_back(i);
    if (algorithm.empty() || options_.hardware.empty())
        throw std::invalid_argument(name_ + " needs both algorithm and hardware parameters in the space");
    if (options_.proxy.size() != space.size())
        throw std::invalid_argument(name_ + ": the proxy hardware point is not a point of the space");
    options_.proxy = space.snap(options_.proxy);
    options_.keep = std::max(1, options_.keep);
    algorithm_ = std::make_unique<Part>(space, algorithm);
    hardware_ = std::make_unique<Part>(space, options_.hardware);
    const ProblemShape first = options_.accuracy_only ? ProblemShape{1, 0, {shape.reference.at(0)}} : shape;
    algorithm_->inner = make_strategy(options_.inner, algorithm_->space, first, seed ^ 0x9e3779b97f4a7c15ULL,
                                      options_.inner_options);
    hardware_->inner = make_strategy(options_.inner, hardware_->space, shape, seed, options_.inner_options);
}

PhasedStrategy::~PhasedStrategy() = default;

bool PhasedStrategy::same_algorithm(const std::vector<double>& a, const std::vector<double>& b) const {
    return algorithm_->same(a, b);
}
bool PhasedStrategy::same_hardware(const std::vector<double>& a, const std::vector<double>& b) const {
    return hardware_->same(a, b);
}

std::vector<std::vector<double>> PhasedStrategy::propose(const std::vector<Trial>& history, int q) {
    if (static_cast<int>(history.size()) < options_.algorithm_trials)
        return propose_algorithms(history,
                                  std::min(q, options_.algorithm_trials - static_cast<int>(history.size())));
    return propose_hardware(history, q);
}

std::vector<std::vector<double>> PhasedStrategy::propose_algorithms(const std::vector<Trial>& history,
                                                                    int q) {
    std::vector<Trial> seen;
    for (const Trial& t : history) {
        Trial s{algorithm_->project(t.u), t.objectives, t.constraints, t.ok};
        if (options_.accuracy_only) {
            s.objectives = t.ok && !t.objectives.empty() ? Vector{t.objectives[0]} : Vector{};
            s.constraints.clear();
        }
        seen.push_back(std::move(s));
    }
    std::vector<std::vector<double>> out;
    for (const auto& v : algorithm_->inner->propose(seen, q))
        out.push_back(space_.snap(algorithm_->embed(v, options_.proxy)));
    return out;
}

std::vector<std::vector<double>> PhasedStrategy::kept(const std::vector<Trial>& history) const {
    const auto first = static_cast<std::size_t>(options_.algorithm_trials);
    if (history.size() < first) return {};
    // Phase 1's successful algorithms, each once.
    std::vector<const Trial*> pool;
    for (std::size_t i = 0; i < first; ++i) {
        const Trial& t = history[i];
        if (!t.ok || t.objectives.empty()) continue;
        if (std::none_of(pool.begin(), pool.end(), [&](const Trial* p) { return same_algorithm(p->u, t.u); }))
            pool.push_back(&t);
    }
    // Non-dominated sorting (on objective 0 alone for accuracy), feasible first; ties by objective 0.
    const auto goals = [&](const Trial* t) {
        return options_.accuracy_only ? Vector{t->objectives[0]} : t->objectives;
    };
    std::vector<int> rank(pool.size(), 0);
    std::vector<std::size_t> left(pool.size());
    std::iota(left.begin(), left.end(), 0);
    for (int level = 0; !left.empty(); ++level) {
        std::vector<Vector> points;
        for (std::size_t i : left) points.push_back(goals(pool[i]));
        std::vector<std::size_t> front = pareto_indices(points), rest;
        for (std::size_t k : front) rank[left[k]] = level;
        for (std::size_t k = 0; k < left.size(); ++k)
            if (std::find(front.begin(), front.end(), k) == front.end()) rest.push_back(left[k]);
        left = rest;
    }
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    const auto key = [&](std::size_t i) {
        const bool infeasible = !options_.accuracy_only && !feasible(*pool[i]);
        return std::make_tuple(infeasible, rank[i], pool[i]->objectives[0]);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    std::vector<std::vector<double>> out;
    for (std::size_t k = 0; k < order.size() && static_cast<int>(out.size()) < options_.keep; ++k)
        out.push_back(pool[order[k]]->u);
    return out;
}

std::vector<std::vector<double>> PhasedStrategy::propose_hardware(const std::vector<Trial>& history, int q) {
    const std::vector<std::vector<double>> algorithms = kept(history);
    if (algorithms.empty()) return propose_algorithms(history, q);  // phase 1 found nothing that ran
    const auto with = [&](const std::vector<double>& algorithm, const std::vector<double>& hardware) {
        return space_.snap(hardware_->embed(hardware_->project(hardware), algorithm));
    };
    // The hardware points evaluated with the kept algorithms (the proxy among them).
    struct Point {
        std::vector<double> u;
        std::vector<const Trial*> trials;
    };
    std::vector<Point> points;
    for (const Trial& t : history) {
        if (std::none_of(algorithms.begin(), algorithms.end(),
                         [&](const auto& a) { return same_algorithm(a, t.u); }))
            continue;
        auto at = std::find_if(points.begin(), points.end(),
                               [&](const Point& p) { return same_hardware(p.u, t.u); });
        if (at == points.end()) at = points.insert(points.end(), Point{t.u, {}});
        at->trials.push_back(&t);
    }
    const auto evaluated = [&](const std::vector<double>& u, const std::vector<std::vector<double>>& batch) {
        const auto same = [&](const std::vector<double>& v) {
            return same_algorithm(u, v) && same_hardware(u, v);
        };
        return std::any_of(history.begin(), history.end(), [&](const Trial& t) { return same(t.u); }) ||
               std::any_of(batch.begin(), batch.end(), same);
    };
    std::vector<std::vector<double>> out;
    // First the kept algorithms a hardware point has not yet seen, so that every point holds all.
    for (const Point& p : points)
        for (const auto& a : algorithms) {
            const auto u = with(a, p.u);
            if (static_cast<int>(out.size()) < q && !evaluated(u, out)) out.push_back(u);
        }
    if (static_cast<int>(out.size()) >= q) return out;
    // Then new hardware points from the inner strategy, whose history is one trial per point: the
    // kept algorithms' mean objectives and their best constraints.
    std::vector<Trial> seen;
    for (const Point& p : points) {
        Trial s{hardware_->project(p.u), Vector(static_cast<std::size_t>(shape_.objectives), 0.0),
                Vector(static_cast<std::size_t>(shape_.constraints), 1e300), false};
        int ok = 0;
        for (const Trial* t : p.trials) {
            if (!t->ok || t->objectives.size() != s.objectives.size()) continue;
            ++ok;
            for (std::size_t k = 0; k < s.objectives.size(); ++k) s.objectives[k] += t->objectives[k];
            for (std::size_t k = 0; k < s.constraints.size() && k < t->constraints.size(); ++k)
                s.constraints[k] = std::min(s.constraints[k], t->constraints[k]);
        }
        s.ok = ok > 0;
        for (double& o : s.objectives) o /= std::max(ok, 1);
        seen.push_back(std::move(s));
    }
    // More candidates than needed: a proposal may repeat a hardware point already evaluated (a
    // small discrete space, a Sobol sequence restarted on the sub-space).
    const int remaining = q - static_cast<int>(out.size());
    const int wanted =
        (remaining + static_cast<int>(algorithms.size()) - 1) / static_cast<int>(algorithms.size());
    std::vector<std::vector<double>> fallback;
    for (const auto& h : hardware_->inner->propose(seen, wanted + static_cast<int>(points.size()))) {
        const auto first = with(algorithms.front(), hardware_->embed(h, options_.proxy));
        const bool known = std::any_of(points.begin(), points.end(),
                                       [&](const Point& p) { return same_hardware(p.u, first); });
        for (const auto& a : algorithms) {
            const auto u = with(a, first);
            fallback.push_back(u);
            if (!known && static_cast<int>(out.size()) < q && !evaluated(u, out)) out.push_back(u);
        }
    }
    // A hardware space the inner strategy has exhausted: it repeats designs, as a joint search does.
    for (std::size_t k = 0; out.empty() && k < fallback.size() && static_cast<int>(k) < q; ++k)
        out.push_back(fallback[k]);
    return out;
}

}  // namespace pixforge::optimizer
