// Benchmark problems with known optima, all minimized over the unit cube: ZDT1, ZDT2, DTLZ2,
// BraninCurrin, and ConstrainedBraninCurrin (feasible when every constraint is <= 0).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "optimizer/pareto.hpp"

namespace pixforge::optimizer {

struct Evaluation {
    Vector objectives;
    Vector constraints;  // <= 0 is feasible
};

class BenchmarkProblem {
  public:
    virtual ~BenchmarkProblem() = default;
    virtual std::string name() const = 0;
    virtual int dimensions() const = 0;
    virtual int objectives() const = 0;
    virtual int constraints() const { return 0; }
    virtual Vector reference_point() const = 0;
    virtual double max_hypervolume() const = 0;              // of the true Pareto front
    virtual Evaluation evaluate(const Vector& x) const = 0;  // x in [0,1]^d
};

// name: zdt1, zdt2, dtlz2, branin_currin, constrained_branin_currin. dimensions 0: default
// (6 for ZDT and DTLZ2, 2 for Branin-Currin); objectives for DTLZ2 (2 to 6).
std::unique_ptr<BenchmarkProblem> make_problem(const std::string& name, int dimensions = 0,
                                               int objectives = 2);
std::vector<std::string> problem_names();

}  // namespace pixforge::optimizer
